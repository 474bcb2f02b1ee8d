/**
 * Issue 6, item 6: behind the documented proxy the client chose its own address. With
 * TRUST_PROXY=true a login carrying `X-Forwarded-For: 203.0.113.77, 127.0.0.1` was recorded as
 * 203.0.113.77 (session, audit log, throttle key). Now only the configured proxies are believed.
 */
import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { auditEvents } from '../db/tables.js';
import { buildUser } from '../../testing/factories.js';
import { createTestContext } from '../../testing/test-app.js';

/** nginx with `proxy_add_x_forwarded_for` appends the address it saw to what the client sent. */
const SPOOFED_BY_CLIENT = '203.0.113.77, 127.0.0.1';
const SEEN_BY_NGINX = '198.51.100.9';

async function recordedLoginAddress(env: Record<string, string>, remoteAddress: string, forwardedFor: string) {
  const context = await createTestContext(env);
  try {
    const user = await buildUser(context.database.db);
    const response = await context.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      payload: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(response.statusCode, response.body).toBe(200);
    const [event] = await context.database.db
      .select({ ip: auditEvents.ip })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'auth.login'), eq(auditEvents.outcome, 'success')))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    return event?.ip;
  } finally {
    await context.close();
  }
}

describe('trusted proxies', () => {
  it('refuses TRUST_PROXY=true or a hop count, which would believe any X-Forwarded-For, and accepts proxy addresses', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(/addresses of the proxies in front/);
    expect(() => loadConfig({ TRUST_PROXY: '1' })).toThrow(/addresses of the proxies in front/);
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1, nginx' })).toThrow(ConfigError);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
  });

  it('with the proxy named by address, records the address nginx saw, not the one the client wrote', async () => {
    const forwarded = `${SPOOFED_BY_CLIENT}, ${SEEN_BY_NGINX}`;
    expect(await recordedLoginAddress({ TRUST_PROXY: '127.0.0.1' }, '127.0.0.1', forwarded)).toBe(SEEN_BY_NGINX);
  });

  it('believes no header from a peer that is not a configured proxy, nor without TRUST_PROXY', async () => {
    expect(await recordedLoginAddress({ TRUST_PROXY: '10.9.9.9' }, '192.0.2.50', SPOOFED_BY_CLIENT)).toBe('192.0.2.50');
    expect(await recordedLoginAddress({}, '192.0.2.50', SPOOFED_BY_CLIENT)).toBe('192.0.2.50');
  });
});
