import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig, loadConfigOrReport } from './config.js';

describe('configuration from the environment', () => {
  it('applies defaults that run the embedded database on localhost:3000', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.databaseKind).toBe('pglite');
    expect(config.isSecureCookie).toBe(false);
    expect(config.SESSION_IDLE_MINUTES).toBe(30);
    expect(config.SESSION_ABSOLUTE_HOURS).toBe(12);
    expect(config.REMINDER_INTERVAL_HOURS).toBe(24);
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('takes the mail and reminder settings, and refuses an SMTP_URL that is not smtp(s)', () => {
    const config = loadConfig({
      SMTP_URL: 'smtps://kooperacja:secret@poczta.gmina.pl:465',
      MAIL_FROM: 'Kooperacja <kooperacja@gops.example.gov.pl>',
      REMINDER_INTERVAL_HOURS: '0',
    });
    expect(config.SMTP_URL).toBe('smtps://kooperacja:secret@poczta.gmina.pl:465');
    expect(config.MAIL_FROM).toBe('Kooperacja <kooperacja@gops.example.gov.pl>');
    expect(config.REMINDER_INTERVAL_HOURS).toBe(0);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ REMINDER_INTERVAL_HOURS: '-1' })).toThrow(/REMINDER_INTERVAL_HOURS/);
  });

  it('runs scheduled work on every node unless JOBS_ENABLED opts the node out', () => {
    expect(loadConfig({}).JOBS_ENABLED).toBe(true);
    expect(loadConfig({ JOBS_ENABLED: 'false' }).JOBS_ENABLED).toBe(false);
    expect(loadConfig({ JOBS_ENABLED: '0' }).JOBS_ENABLED).toBe(false);
    expect(() => loadConfig({ JOBS_ENABLED: 'maybe' })).toThrow(/JOBS_ENABLED/);
  });

  it('switches to PostgreSQL with DATABASE_URL and to Secure cookies behind an https origin', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://app@db/kooperacja',
      PUBLIC_ORIGIN: 'https://kooperacja.gmina.pl',
    });
    expect(config.databaseKind).toBe('postgres');
    expect(config.isSecureCookie).toBe(true);
  });

  it('names every bad variable in one error', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', TRUST_PROXY: 'maybe' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'TRUST_PROXY']) expect(problems).toContain(name);
  });

  it('refuses demo data in production, naming the published password and the way to the first administrator', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', SEED_DEMO: 'true' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('SEED_DEMO');
    expect(problems).toContain('password published');
    expect(problems).toContain('npm run admin:create');
    const sealKey = Buffer.alloc(32, 7).toString('base64');
    const dataKeys = `k1:${Buffer.alloc(32, 9).toString('base64')}`;
    expect(
      loadConfig({
        NODE_ENV: 'production',
        SEED_DEMO: 'false',
        AUDIT_SEAL_KEY: sealKey,
        DATA_ENCRYPTION_KEYS: dataKeys,
      }).SEED_DEMO,
    ).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEYS: dataKeys })).toThrow(
      /AUDIT_SEAL_KEY: required/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', AUDIT_SEAL_KEY: sealKey })).toThrow(
      /DATA_ENCRYPTION_KEYS: required/,
    );
    expect(loadConfig({ NODE_ENV: 'development', SEED_DEMO: 'true' }).SEED_DEMO).toBe(true);
  });

  it('refuses a malformed DATA_ENCRYPTION_KEYS naming the entry, not the key', () => {
    const secret = Buffer.alloc(16, 3).toString('base64');
    let error: unknown;
    try {
      loadConfig({ DATA_ENCRYPTION_KEYS: `k1:${secret}` });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'DATA_ENCRYPTION_KEYS: DATA_ENCRYPTION_KEYS entry 1 ("k1"): the key must be base64 of 32 random bytes',
    ]);
    expect(problems.join()).not.toContain(secret);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseKind).toBe('pglite');
  });

  it('reports a bad configuration on stderr for commands instead of throwing', () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(loadConfigOrReport({ PORT: 'eighty' })).toBeNull();
      expect(String(printed.mock.calls[0]?.[0])).toContain('PORT');
      expect(loadConfigOrReport({})?.PORT).toBe(3000);
    } finally {
      printed.mockRestore();
    }
  });
});
