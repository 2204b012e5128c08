/**
 * `drbot runbook render`: the procedure document made from the pack and the contact list.
 * The Korean rendering must hold every line of the original document (runbooks/source/, a copy of
 * the procedure the product implements), whitespace aside, except the lines whose content the
 * contact list now supplies — and for those, the test checks the contact list's values are there.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ContactsFile, type Contact } from '../../src/contacts/contact-schema.js';
import { loadContacts } from '../../src/contacts/load-contacts.js';
import { allSteps } from '../../src/runbook/find-step.js';
import { loadRunbookPack, parseRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { renderProcedure, slug } from '../../src/runbook/render-procedure.js';
import { aRunbookPack } from './a-runbook-pack.js';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const original = readFileSync(repo('runbooks/source/disaster-recovery-procedure.ko.md'), 'utf8');
const pack = loadRunbookPack(repo('runbooks/routing-ml.yaml'));
const contacts = loadContacts(repo('config/contacts.yaml')).contacts;

/** Whitespace-normalized: runs of spaces and tabs are one space, no space at either end. */
const norm = (line: string) => line.replace(/\s+/g, ' ').trim();
const linesOf = (text: string) => text.split('\n').map(norm).filter((l) => l !== '');

/**
 * The only lines of the original allowed to be absent: the placeholders the document left for
 * people — `[전화번호]`, `[IT 헬프데스크]`, `[네트워크 관리자]`, `내선 [번호]` — which the contact list
 * (config/contacts.yaml) now fills in: the four rows of the 긴급 연락망 table and the 담당자/연락처
 * lines of Type 3 단계 1. Each is listed with what must stand in its place (checked below).
 */
/** Every way the contact list gives to reach a person (the phone without its `+`, which the escaper marks). */
const reachOf = (c: Contact) => [c.phone?.replace(/^\+/, ''), c.email, c.slack && `Slack ${c.slack}`, c.teams && `Teams ${c.teams}`].filter((w): w is string => Boolean(w));
const CONTACT_LINES: Record<string, { role: Contact['roles'][number]; starts: (c: Contact) => string; holds: (c: Contact) => string[] }> = {
  '- 담당자: [네트워크 관리자]': { role: 'it_support', starts: () => '- 담당자: 네트워크 관리자 — ', holds: (c) => [c.name] },
  '- 연락처: [IT 헬프데스크]': { role: 'it_support', starts: () => '- 연락처: ', holds: reachOf },
  '| **1차 대응** | DevOps 엔지니어 | [전화번호] | 24/7 대기 |': { role: 'devops', starts: (c) => `| **1차 대응** | ${c.name} (DevOps 엔지니어) | `, holds: reachOf },
  '| **2차 대응** | Backend 개발자 | [전화번호] | 평일 09-18시 |': { role: 'backend', starts: (c) => `| **2차 대응** | ${c.name} (Backend 개발자) | `, holds: reachOf },
  '| **IT 지원** | 네트워크 관리자 | [IT 헬프데스크] | 내선 [번호] |': { role: 'it_support', starts: (c) => `| **IT 지원** | ${c.name} (네트워크 관리자) | `, holds: reachOf },
  '| **최종 승인** | CTO | [전화번호] | 중대 장애 시 |': { role: 'cto', starts: (c) => `| **최종 승인** | ${c.name} (CTO) | `, holds: (c) => [...reachOf(c), '중대 장애 시'] },
};

describe('renderProcedure (ko)', () => {
  const ko = renderProcedure(pack, contacts, 'ko');
  const rendered = new Set(linesOf(ko));

  test('every line of the original document appears in the Korean rendering, except the contact placeholders', () => {
    // A line missing after a step's Korean title changed for chat: keep the document's wording with
    // `doc: { heading: { ko: …, en: … } }` on that step (the heading the document prints), then render again.
    const absent = linesOf(original).filter((line) => !rendered.has(line));
    expect(absent).toEqual(Object.keys(CONTACT_LINES));
  });

  test('where the original has a contact placeholder, the rendering has the contact list’s people and how to reach them', () => {
    const lines = linesOf(ko);
    for (const { role, starts, holds } of Object.values(CONTACT_LINES)) {
      const people = contacts.filter((c) => c.roles.includes(role));
      expect(people.length).toBeGreaterThan(0);
      for (const person of people) {
        const line = lines.find((l) => l.startsWith(starts(person)));
        expect([starts(person), line !== undefined]).toEqual([starts(person), true]);
        for (const part of holds(person)) expect(line).toContain(part);
      }
    }
    expect(lines).toContain('| **2차 대응** | Lee Backend (Backend 개발자) | lee.backend@example.com, Slack U0BACKEND1, Teams 29:backend-lee | 평일 09-18시 |');
    expect(lines).toContain('| **최종 승인** | Jung CTO (CTO) | \\+82-10-0000-0009, cto@example.com, Slack U0CTO00001, Teams 29:cto-jung | 24/7 대기, 중대 장애 시 |');
    expect(lines).toContain('- 담당자: 네트워크 관리자 — Choi Network');
  });

  test('the sections come in the original’s order', () => {
    const headings = (text: string) => linesOf(text).filter((l) => /^#{2,4} /.test(l));
    const wanted = headings(original.replace(/```[\s\S]*?```/g, ''));
    const got = headings(ko.replace(/```[\s\S]*?```/g, ''));
    let at = 0;
    for (const h of wanted) {
      const found = got.indexOf(h, at);
      expect([h, found >= 0]).toEqual([h, true]);
      at = found + 1;
    }
  });

  test('the table of contents links to the headings as GitHub anchors them', () => {
    expect(slug('📊 사후 보고서 템플릿')).toBe('-사후-보고서-템플릿');
    expect(slug('RTO (Recovery Time Objective)')).toBe('rto-recovery-time-objective');
    const anchors = [...ko.matchAll(/^\d+\. \[[^\]]+\]\(#([^)]+)\)$/gm)].map((m) => m[1]);
    const headingSlugs = linesOf(ko).filter((l) => l.startsWith('## ')).map((l) => slug(l.slice(3)));
    expect(anchors).toHaveLength(8);
    for (const anchor of anchors) expect(headingSlugs).toContain(anchor);
  });

  test('is a pure function of pack, contacts and language', () => {
    expect(renderProcedure(pack, contacts, 'ko')).toBe(ko);
  });

  test('the committed docs/disaster-recovery-procedure.ko.md is the rendering of the shipped pack and contacts', () => {
    // The monthly 문서 업데이트 item would warn otherwise: after changing the pack or contacts, run
    // `drbot runbook render --lang ko --out docs/disaster-recovery-procedure.ko.md`.
    expect(readFileSync(repo('docs/disaster-recovery-procedure.ko.md'), 'utf8')).toBe(ko);
  });
});

describe('renderProcedure (en)', () => {
  const en = renderProcedure(pack, contacts, 'en');
  const lines = linesOf(en);

  test('has no Korean: every text comes from the pack’s English side', () => {
    expect(lines.filter((l) => /[\uac00-\ud7af]/.test(l))).toEqual([]);
  });

  test('has the same sections and every step’s command lines, symptoms, ladder and checks in English', () => {
    const ko = renderProcedure(pack, contacts, 'ko');
    const count = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;
    for (const re of [/^## /, /^### /, /^#### /, /^\*\*/, /^```/, /^- \[ \] /, /^\| /]) expect(count(en, re)).toBe(count(ko, re));
    for (const type of pack.types) {
      expect(lines).toContain(`### ${type.emoji} Type ${type.id}: ${type.title.en}`);
      for (const s of type.symptoms) expect(lines).toContain(`- ${s.en}`);
      for (const { step } of allSteps(type)) for (const line of step.procedure) if (!step.doc?.contact) expect(lines).toContain(norm(line));
    }
    expect(lines).toEqual(expect.arrayContaining(['1. **0-30 min**: DevOps engineer tries to resolve it', '2. **30 min-1 h**: Bring in the backend developer', '4. **2 h+**: Report to the CTO and consider outside support']));
    expect(lines).toEqual(expect.arrayContaining(['- **Goal**: within 4 hours', '- **Acceptable**: 8 hours', '- **Goal**: 24 hours (daily backup)', '- **Acceptable**: 72 hours']));
    expect(lines).toEqual(expect.arrayContaining(['- [ ] **Record the current time**: ___________', '### Monthly check (1st of the month)', '- [ ] Update the procedure document', '# 1. Check the uvicorn process']));
    expect(lines).toContain('| **Second response** | Lee Backend (Backend developer) | lee.backend@example.com, Slack U0BACKEND1, Teams 29:backend-lee | weekdays 09:00-18:00 |');
    expect(lines).toContain('- Owner: Network administrator — Choi Network');
    expect(lines).toContain('- Priority: urgent');
  });
});

describe('renderProcedure with other contacts and packs', () => {
  test('escapes what the contact list supplies: a name cannot add a table cell, a link or a heading', () => {
    const hostile = ContactsFile.parse(
      parse(`contacts:
  - name: "Eve | [click](http://evil.example) <b>x</b>"
    roles: [it_support]
    email: eve@example.com
    available: { days: [sat, sun], from: "08:30", to: "12:00" }
`),
    ).contacts;
    const ko = renderProcedure(pack, hostile, 'ko');
    const row = ko.split('\n').find((l) => l.startsWith('| **IT 지원** |'))!;
    expect(row).toBe('| **IT 지원** | Eve \\| \\[click\\](http://evil.example) \\<b\\>x\\</b\\> (네트워크 관리자) | eve@example.com | 토, 일 08:30-12:00 |');
    expect(ko).toContain('- 담당자: 네트워크 관리자 — Eve \\| \\[click\\](http://evil.example) \\<b\\>x\\</b\\>');
    // Roles nobody holds still have their row, saying so.
    expect(ko).toContain('| **1차 대응** | DevOps 엔지니어 | (연락처에 없음) |  |');
  });

  test('a pack without a document part still renders its procedure, without overview, template or change log', () => {
    const bare = parseRunbookPack(aRunbookPack().toYaml(), 'bare.yaml');
    const md = renderProcedure(bare, contacts, 'en');
    expect(md).toContain(`# ${bare.title.en}`);
    expect(md).toContain('## Recovery objectives');
    expect(md).not.toContain('## Overview');
    expect(md).not.toContain('Post-incident report template');
    expect(md.split('\n').filter((l) => /^\d+\. \[/.test(l))).toHaveLength(5);
  });
});
