import { z } from 'zod';

/** `config/drbot.yaml`: everything that is not a secret. Secrets come only from the environment. */
export const DrbotConfigFile = z
  .object({
    lang: z.enum(['ko', 'en']).default('ko'),
    timeZone: z.string().default('Asia/Seoul'),
    /** Runbook pack file, relative to the config file's directory's parent (the project root). */
    runbook: z.string().default('runbooks/routing-ml.yaml'),
    contacts: z.string().default('config/contacts.yaml'),
    dataDir: z.string().default('data'),
    reportsDir: z.string().default('docs/incident_reports'),
    /**
     * The committed procedure document (`drbot runbook render --lang <lang> --out <path>`); the monthly
     * 문서 업데이트 item warns when it no longer matches the rendering of the pack and contacts.
     */
    procedureDocument: z
      .object({ path: z.string().min(1).default('docs/disaster-recovery-procedure.ko.md'), lang: z.enum(['ko', 'en']).default('ko') })
      .strict()
      .default({ path: 'docs/disaster-recovery-procedure.ko.md', lang: 'ko' }),
    port: z.number().int().min(0).max(65535).default(3000),
    /** Address the HTTP server binds (DRBOT_LISTEN_HOST overrides): every interface by default; 127.0.0.1 behind a local proxy, and required by DRBOT_TEAMS_INSECURE. */
    listenHost: z.string().min(1).default('0.0.0.0'),
    /** Public holidays (YYYY-MM-DD, in the configured time zone) on which working-hours contacts are not paged. */
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'dates as YYYY-MM-DD')).default([]),
    /** Serve HTTPS (and `wss://` for agents) with this certificate and key (PEM files); DRBOT_TLS_CERT / DRBOT_TLS_KEY override. */
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
    /** Agents allowed to connect: id, the SHA-256 (hex) of its token, and the hosts it may serve (default: the host named like the id). */
    agents: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-z0-9-]{1,64}$/),
            tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, '64 hex characters'),
            hosts: z.array(z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a host name as the runbook pack names it')).min(1).optional(),
          })
          .strict(),
      )
      .default([]),
    /** In console mode, run an agent inside the drbot process against this machine, with this agent config. */
    embeddedAgent: z
      .object({ enabled: z.boolean().default(true), config: z.string().default('config/agent.demo.yaml') })
      .strict()
      .default({ enabled: true, config: 'config/agent.demo.yaml' }),
    slack: z
      .object({
        /** Channel for incidents when a channel cannot be created, and for scheduled-check results. */
        opsChannel: z.string().optional(),
        createChannels: z.boolean().default(true),
      })
      .strict()
      .default({ createChannels: true }),
    teams: z
      .object({
        /** Teams conversation id of the channel where incident cards are posted. */
        opsConversation: z.string().optional(),
      })
      .strict()
      .default({}),
    notices: z
      .object({
        slackChannels: z.array(z.string()).default([]),
        teamsConversations: z.array(z.string()).default([]),
        emails: z.array(z.string().email()).default([]),
      })
      .strict()
      .default({ slackChannels: [], teamsConversations: [], emails: [] }),
    /** The read-only web view at /web (off by default): sign-in by a link from `/incident web` (needs DRBOT_WEB_SECRET) or a trusted proxy header. */
    web: z
      .object({
        enabled: z.boolean().default(false),
        /** drbot's address as people's browsers reach it, for sign-in links (default: http(s)://localhost:<port>). */
        publicUrl: z
          .string()
          .url()
          .refine((u) => /^https?:\/\//.test(u), 'an http:// or https:// URL')
          .optional(),
        /** Header the company's authenticating proxy sets to the user's name or email; trusted only when set here. */
        trustedHeader: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name')
          .refine((h) => !['cookie', 'host', 'authorization', 'content-type', 'content-length'].includes(h.toLowerCase()), 'not a standard header')
          .optional(),
      })
      .strict()
      .default({ enabled: false }),
    /**
     * The outbound heartbeat: while drbot is healthy (`/healthz` would answer 200) it calls this URL
     * every `intervalSeconds`, so an outside monitor that alerts on silence notices a drbot that died
     * with its host. `DRBOT_HEARTBEAT_URL` overrides the URL; unset = no heartbeat.
     */
    heartbeat: z
      .object({
        url: z
          .string()
          .url()
          .refine((u) => /^https?:\/\//.test(u), 'an http:// or https:// URL')
          .optional(),
        intervalSeconds: z.number().positive().max(24 * 3600).default(60),
        method: z.enum(['GET', 'POST']).default('GET'),
      })
      .strict()
      .default({ intervalSeconds: 60, method: 'GET' }),
    /** Pages and notices outside chat: email (`SMTP_URL`) and the signed webhook (`DRBOT_WEBHOOK_URL`, `DRBOT_WEBHOOK_SECRET`). */
    notify: z
      .object({
        /** Seconds one page channel (chat, email, webhook) may take before the next is tried. */
        channelDeadlineSeconds: z.number().positive().max(300).default(10),
        /** Sender of page and notice emails. */
        emailFrom: z.string().min(3).default('drbot <drbot@localhost>'),
        webhook: z
          .object({
            /** Overridden by `DRBOT_WEBHOOK_URL`. */
            url: z.string().url().optional(),
            /** `drbot` (signed JSON) or `pagerduty-v2` (Events API v2; key in `DRBOT_PAGERDUTY_ROUTING_KEY`). */
            format: z.enum(['drbot', 'pagerduty-v2']).default('drbot'),
          })
          .strict()
          .default({ format: 'drbot' }),
      })
      .strict()
      .default({ channelDeadlineSeconds: 10, emailFrom: 'drbot <drbot@localhost>', webhook: { format: 'drbot' } }),
  })
  .strict();
export type DrbotConfigFile = z.infer<typeof DrbotConfigFile>;
