/**
 * Configuration comes only from environment variables, validated once at start. A bad value stops
 * the process with one clear line per variable, never a stack trace.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { KeyringError, parseKeyring } from './encryption/keyring.js';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_ORIGIN: z
    .url()
    .optional()
    .describe('Origin the app is served from (https://kooperacja.example.gov.pl); enables Secure cookies when https'),
  /**
   * Which reverse proxies to believe about the client's address (X-Forwarded-For): `false` (none) or
   * a comma-separated list of the proxies' own addresses or CIDRs (`127.0.0.1` for an nginx on the
   * same host). `true` would believe any client's own X-Forwarded-For and a bare hop count cannot
   * check the peer (Fastify ignores it), so both are refused (issue 6, item 6).
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, context): false | string[] => {
      const trimmed = value.trim();
      if (['false', 'no', '0'].includes(trimmed)) return false;
      const addresses = trimmed.split(',').map((part) => part.trim());
      const isAddress = (part: string) => /^[^/]+(\/\d{1,3})?$/.test(part) && isIP(part.split('/')[0] ?? '') !== 0;
      if (addresses.every(isAddress)) return addresses;
      context.addIssue({
        code: 'custom',
        message:
          trimmed === 'true' || trimmed === 'yes' || /^\d+$/.test(trimmed)
            ? 'give the addresses of the proxies in front (127.0.0.1 for an nginx on this host): true or a hop count would trust an X-Forwarded-For that any client can write'
            : 'must be false or a comma-separated list of proxy addresses/CIDRs, e.g. 127.0.0.1',
      });
      return z.NEVER;
    }),
  /** Demo data on a database without users; unset: yes on PGlite outside production. Refused in production. */
  SEED_DEMO: booleanFlag.optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(50),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  WEB_DIST_DIR: z.string().default('./web/dist'),
  /** Budget of one import (sheet or HSDS) in its worker thread: seconds, and megabytes of heap. */
  IMPORT_TIME_LIMIT_SECONDS: z.coerce.number().int().min(1).max(600).default(20),
  IMPORT_MEMORY_LIMIT_MB: z.coerce.number().int().min(16).max(4096).default(256),
  /** Largest uploaded file (a signed copy: PDF, JPEG or PNG) in megabytes (server/src/files). */
  FILE_UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(100).default(10),
  /** A published service not confirmed for this many months is flagged as stale. */
  STALE_SERVICE_MONTHS: z.coerce.number().int().min(1).max(60).default(12),
  /** Hours between the deployment's runs of the stale-service reminders (a scheduled job); 0 turns them off. */
  REMINDER_INTERVAL_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 31)
    .default(24),
  /**
   * Whether this node runs scheduled and queued work (reminders, the audit sealer). On PostgreSQL
   * every node may run it (each job still runs once per deployment); `false` lets a node opt out.
   */
  JOBS_ENABLED: booleanFlag.default(true),
  /** SMTP server for notification e-mail (smtp:// or smtps://); unset means in-app notifications only. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  /** Sender of notification e-mail, e.g. `Kooperacja GOPS <kooperacja@gops.example.gov.pl>`. */
  MAIL_FROM: z.string().min(3).max(320).optional(),
  /** Cards for clients one user may send by e-mail in an hour ("Wyślij klientowi"). */
  LEAFLET_EMAILS_PER_HOUR: z.coerce.number().int().min(1).max(1000).default(20),
  /**
   * Ed25519 key that signs the audit log's sealed blocks (issue 7 item 4): base64 of a 32-byte seed
   * or of a PKCS8 DER key. Kept outside the database, so whoever can rewrite the database cannot
   * re-sign it. Required in production; elsewhere a fixed development key is used with a warning.
   */
  AUDIT_SEAL_KEY: z.string().min(40).max(200).optional(),
  /**
   * Key-encryption keys of the encryption at rest (docs/security.md §24): `<id>:<base64 of 32
   * bytes>`, comma-separated, the current key first (platform/encryption/keyring.ts). Elsewhere than
   * in production a fixed development key is used with a warning.
   */
  DATA_ENCRYPTION_KEYS: z
    .string()
    .max(4000)
    .superRefine((value, context) => {
      try {
        parseKeyring(value);
      } catch (error) {
        if (!(error instanceof KeyringError)) throw error;
        context.addIssue({ code: 'custom', message: error.message });
      }
    })
    .optional(),
});

export type Config = z.infer<typeof ConfigSchema> & {
  isSecureCookie: boolean;
  databaseKind: 'pglite' | 'postgres';
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const config = parsed.data;
  // The demo accounts' password is printed in the README: in production they would be an open door.
  if (config.NODE_ENV === 'production' && config.SEED_DEMO === true) {
    throw new ConfigError([
      'SEED_DEMO: refused with NODE_ENV=production: the demo accounts share a password published in the README. ' +
        'Unset SEED_DEMO and create the first administrator with `npm run admin:create`.',
    ]);
  }
  if (config.NODE_ENV === 'production' && !config.AUDIT_SEAL_KEY) {
    throw new ConfigError([
      'AUDIT_SEAL_KEY: required with NODE_ENV=production (base64 of 32 random bytes, e.g. `openssl rand -base64 32`), ' +
        'kept outside the database: it signs the audit log so that a rewritten log cannot be re-signed.',
    ]);
  }
  if (config.NODE_ENV === 'production' && !config.DATA_ENCRYPTION_KEYS) {
    throw new ConfigError([
      'DATA_ENCRYPTION_KEYS: required with NODE_ENV=production, e.g. `2026-12:$(openssl rand -base64 32)`, ' +
        'kept outside the database: it protects the sensitive data at rest (docs/security.md §24).',
    ]);
  }
  return {
    ...config,
    isSecureCookie: config.PUBLIC_ORIGIN?.startsWith('https://') ?? false,
    databaseKind: config.DATABASE_URL ? 'postgres' : 'pglite',
  };
}

/**
 * For commands (the server, scripts): the configuration, or null after printing one line per bad
 * variable to stderr, so the caller exits with its own "cannot run" code.
 */
export function loadConfigOrReport(env: NodeJS.ProcessEnv = process.env): Config | null {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return null;
    }
    throw error;
  }
}
