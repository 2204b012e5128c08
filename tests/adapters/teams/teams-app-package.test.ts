import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { unzipSync } from 'fflate';
import { colorIcon, encodePng, outlineIcon } from '../../../adapters/teams/teams-app-icons.js';
import { buildTeamsPackage, manifestProblems, pngSize } from '../../../adapters/teams/teams-app-package.js';
import { packageRoot } from '../../../src/config/package-root.js';
import { ConfigError } from '../../../src/errors/drbot-error.js';

const DIR = join(packageRoot(), 'manifest/teams');
const read = (name: string) => readFileSync(join(DIR, name));
const manifest = () => JSON.parse(read('manifest.json').toString('utf8')) as Record<string, unknown> & { name: { short: string }; bots: { scopes: string[] }[] };
const schema = JSON.parse(read('MicrosoftTeams.schema.json').toString('utf8')) as object;
const BOT_ID = '11111111-2222-3333-4444-555555555555';

/** RGBA pixels of a PNG written with filter 0 on every row (what encodePng writes). */
function rgba(png: Buffer): Uint8Array {
  const { width, height } = pngSize(png);
  let at = 8;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    out.set(raw.subarray(y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1)), y * width * 4);
  }
  return out;
}

describe('Teams app manifest', () => {
  it('validates against the Teams manifest schema copy (v1.19)', () => {
    expect(manifest().manifestVersion).toBe('1.19');
    expect(manifestProblems(manifest(), schema)).toEqual([]);
  });

  it('is rejected by the schema copy when it breaks a rule (the check can fail)', () => {
    const bad = manifest();
    bad.name.short = 'a name far longer than thirty characters';
    bad.bots[0]!.scopes = ['team', 'channel'];
    bad.accentColor = 'red';
    const problems = manifestProblems(bad, schema);
    expect(problems).toEqual(expect.arrayContaining([expect.stringContaining('/name/short'), expect.stringContaining('/bots/0/scopes/1'), expect.stringContaining('/accentColor')]));
  });

  it('ships real PNG icons: colour 192×192, outline 32×32 in white on transparent, both reproducible from the generator', () => {
    expect(pngSize(read('color.png'))).toEqual({ width: 192, height: 192 });
    expect(pngSize(read('outline.png'))).toEqual({ width: 32, height: 32 });
    expect(read('color.png').equals(encodePng(colorIcon()))).toBe(true);
    expect(read('outline.png').equals(encodePng(outlineIcon()))).toBe(true);
    const outline = rgba(read('outline.png'));
    let white = 0;
    for (let i = 0; i < outline.length; i += 4) {
      const [r, g, b, a] = outline.subarray(i, i + 4);
      if (a === 0) continue;
      expect([r, g, b, a]).toEqual([255, 255, 255, 255]);
      white++;
    }
    expect(white).toBeGreaterThan(20);
    expect(rgba(read('color.png')).some((v, i) => i % 4 === 3 && v !== 255)).toBe(false);
  });
});

describe('buildTeamsPackage', () => {
  it('zips the manifest with this deployment’s ids and the two icons, flat at the root', () => {
    const { zip } = buildTeamsPackage({ dir: DIR, botId: BOT_ID, domain: 'drbot.example.com' });
    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const packed = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(packed).toMatchObject({ id: BOT_ID, bots: [{ botId: BOT_ID }], validDomains: ['drbot.example.com'] });
    expect(manifestProblems(packed, schema)).toEqual([]);
    expect(Buffer.from(files['color.png']!).equals(read('color.png'))).toBe(true);
  });

  it('refuses a bot id that is not a GUID, saying which variable to fix', () => {
    expect(() => buildTeamsPackage({ dir: DIR, botId: 'my-bot' })).toThrow(ConfigError);
    expect(() => buildTeamsPackage({ dir: DIR, botId: 'my-bot' })).toThrow(/MicrosoftAppId/);
  });
});
