/**
 * `npm run bench`: measures the API against a production-like server on PostgreSQL.
 *
 * 1. Creates a fresh database `kooperacja_bench` on the local PostgreSQL (dropped first if it
 *    exists), migrates it and loads TERYT with the server's own modules, then inserts 10,000
 *    synthetic institutions spread over all gminas and one admin account.
 * 2. Builds the server (scripts/build-server.mjs) and starts the production build as a child process
 *    (`node dist/server/src/main.js`; BENCH_SERVER=source runs the sources through tsx) on a free port.
 * 3. With autocannon (10 connections, 10 s each): (a) sign-in, (b) institution search with a kind
 *    filter, (c) territory search "lodz". Latency percentiles come from every response's own time.
 * 4. Times the same SQL with `pg` (the statements the server sends, sequentially), the same SQL's
 *    throughput under the same number of connections (a `pg` Pool, for the same duration), and the
 *    same requests one at a time over HTTP, and prints the ratios.
 * 5. Prints a markdown table, writes .tmp/bench/results.json, stops the server, drops the database.
 *
 * Only 127.0.0.1 is contacted. Settings (environment): BENCH_POSTGRES_URL (an admin connection to
 * the local server, default postgres://postgres@127.0.0.1:5432/postgres), BENCH_DURATION (s, 10),
 * BENCH_CONNECTIONS (10), BENCH_INSTITUTIONS (10000), BENCH_SQL_ITERATIONS (200), BENCH_KEEP_DB=true
 * to keep the database for inspection, BENCH_REUSE_DB=true to measure a kept database again without
 * loading it (the imports of earlier runs stay in it), BENCH_DATABASE (kooperacja_bench),
 * BENCH_ONLY=a,b,c (the scenarios to run, by letter; all by default), BENCH_SERVER_DIR (run the
 * server of another checkout, e.g. an export of main, for before-and-after figures in the same
 * conditions; with BENCH_SERVER=source for a checkout without the build).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type AutocannonRequest } from 'autocannon';
import pg from 'pg';
import { migrateDatabase, openPostgres } from '../server/src/platform/db/database.js';
import { loadTerritories } from '../server/src/territories/territories.loader.js';
import { BENCH_ADMIN_EMAIL, BENCH_ADMIN_PASSWORD, institutionSearches, loadBenchData } from './data.js';
import {
  BENCH_COORDINATOR_EMAIL,
  BENCH_ROPS_EMAIL,
  BENCH_USER_PASSWORD,
  basketSearch,
  basketSearchSql,
  captureServiceSearch,
  loadBasketBenchData,
  type BasketBenchData,
} from './basket.js';
import { buildImportSheet, measureBasketImport, signInWithCsrf, type ImportTimings } from './basket-import.js';
import { institutionSearchSql, sessionLookupSql, territorySearchSql, type PageResult } from './sql.js';
import { formatMs, summarize, timeIterations, type LatencySummary } from './stats.js';
import { measureAuditTrail, type AuditBenchResult } from './audit.js';
import { parseAuditSealKey } from '../server/src/audit/audit.seal-key.js';

/** The key the bench's server seals the audit log with, and (h) verifies it with. */
const benchAuditSealKey = process.env.AUDIT_SEAL_KEY ?? Buffer.alloc(32, 7).toString('base64');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DATABASE = process.env.BENCH_DATABASE ?? 'kooperacja_bench';
const adminUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const durationSeconds = positiveInt('BENCH_DURATION', 10);
const connections = positiveInt('BENCH_CONNECTIONS', 10);
const institutionCount = positiveInt('BENCH_INSTITUTIONS', 10_000);
const serviceCount = positiveInt('BENCH_SERVICES', 300_000);
/** The basket the searches filter on and the import goes to; set when the data is loaded. */
let basketData: BasketBenchData | null = null;
const importRows = positiveInt('BENCH_IMPORT_ROWS', 2_000);
const sqlIterations = positiveInt('BENCH_SQL_ITERATIONS', 200);
const reuseDatabase = process.env.BENCH_REUSE_DB === 'true';
const keepDatabase = process.env.BENCH_KEEP_DB === 'true' || reuseDatabase;
const serverFromSource = process.env.BENCH_SERVER === 'source';
const onlyScenarios = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : null;
const runs = (letter: string) => !onlyScenarios || onlyScenarios.has(letter);
const TERRITORY_QUERY = 'lodz';
const startLoad = os.loadavg();

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number.parseInt(raw, 10);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

type ScenarioResult = {
  name: string;
  request: string;
  status: 'measured' | 'unavailable' | 'failed';
  note?: string;
  requestsPerSecond?: number;
  responses?: number;
  non2xx?: number;
  errors?: number;
  latency?: LatencySummary;
  sequential?: LatencySummary;
  sql?: LatencySummary;
  /** The session lookup and then the same SQL, one after the other: every statement a request sends. */
  sqlWithSession?: LatencySummary;
  /** CPU time of the server process (user + system) per response under load: contention does not inflate it. */
  serverCpuMsPerRequest?: number;
  /** The same SQL under `connections` concurrent `pg` connections for the same duration. */
  sqlRequestsPerSecond?: number;
  equivalence?: string;
};

// ---------------------------------------------------------------------------------------------
// Database

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function prepareDatabase(benchUrl: string): Promise<void> {
  log(`creating database ${BENCH_DATABASE} (dropping an old one)`);
  await adminQuery(`drop database if exists ${BENCH_DATABASE} with (force)`);
  await adminQuery(`create database ${BENCH_DATABASE}`);
  const handle = await openPostgres(benchUrl);
  try {
    let started = Date.now();
    await migrateDatabase(handle);
    const territories = await loadTerritories(handle.db);
    log(`migrated and loaded ${territories} TERYT units in ${Date.now() - started} ms`);
    started = Date.now();
    const loaded = await loadBenchData(handle.db, institutionCount);
    log(
      `inserted ${loaded.institutions} institutions over ${loaded.gminas} gminas and the admin ${BENCH_ADMIN_EMAIL} in ${Date.now() - started} ms`,
    );
    started = Date.now();
    const basket = await loadBasketBenchData(handle.db, serviceCount);
    basketData = basket;
    log(`inserted ${basket.services} services in 2,479 partnerships (one per gmina) in ${Date.now() - started} ms`);
    // A bulk load leaves GIN pending lists unmerged and no visibility map; autovacuum would fix both
    // in a running deployment, so measure the settled state rather than the minute after the load.
    await handle.pool!.query('vacuum analyze');
    // And write the load out now, or the checkpoint that follows a 300,000-row load runs during the
    // first scenarios (its I/O wait showed as a load average of 2 on an otherwise idle machine).
    await handle.pool!.query('checkpoint');
  } finally {
    await handle.close();
  }
}

/** The basket data of a database loaded by an earlier run (BENCH_REUSE_DB), read back from it. */
async function readBasketBenchData(benchUrl: string): Promise<BasketBenchData> {
  const client = new pg.Client({ connectionString: benchUrl });
  await client.connect();
  try {
    const [basket] = (
      await client.query<{ id: string; gmina: string; services: string }>(
        `select p.id, p.territory_code as gmina, (select count(*) from services) as services
           from partnership_coordinators pc
           join users u on u.id = pc.user_id
           join partnerships p on p.id = pc.partnership_id
          where u.email = $1`,
        [BENCH_COORDINATOR_EMAIL],
      )
    ).rows;
    if (!basket) throw new Error('BENCH_REUSE_DB: the database holds no bench data; run once with BENCH_KEEP_DB=true');
    return {
      services: Number(basket.services),
      gmina: basket.gmina,
      partnershipId: basket.id,
      rops: { institutionId: '', userId: '', voivodeship: basket.gmina.slice(0, 2) },
    };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Server

type RunningServer = { url: string; child: ChildProcess; output: string[] };

async function startServer(benchUrl: string): Promise<RunningServer> {
  const serverDir = process.env.BENCH_SERVER_DIR ? path.resolve(process.env.BENCH_SERVER_DIR) : root;
  if (!serverFromSource) {
    execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd: serverDir, stdio: 'inherit' });
  }
  const args = serverFromSource ? ['--import', 'tsx', 'server/src/main.ts'] : ['dist/server/src/main.js'];
  const child = spawn(process.execPath, [...(process.env.BENCH_SERVER_NODE_OPTIONS?.split(' ') ?? []), ...args], {
    cwd: serverDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      AUDIT_SEAL_KEY: benchAuditSealKey,
      DATA_ENCRYPTION_KEYS: process.env.DATA_ENCRYPTION_KEYS ?? `bench:${Buffer.alloc(32, 9).toString('base64')}`,
      DATABASE_URL: benchUrl,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      // The day's stale-card reminders would run at start (tens of thousands of stale cards in the
      // synthetic basket) beside the measurements; they have their own tests.
      REMINDER_INTERVAL_HOURS: '0',
      RATE_LIMIT_PER_MINUTE: '1000000',
      LOGIN_MAX_FAILURES: '100',
      LOGIN_IP_MAX_FAILURES: '10000',
      DATA_DIR: path.join(os.tmpdir(), 'kooperacja-bench-unused'),
    },
  });
  const output: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 60 s:\n${output.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      const match = /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${output.join('')}`));
    });
  });
  // Keep collecting warnings, but do not let a chatty server fill memory.
  child.stdout!.removeAllListeners('data');
  child.stdout!.on('data', () => {});
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const response = await fetch(`${url}/readyz`).catch(() => null);
    if (response?.ok) return { url, child, output };
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('server never became ready (/readyz)');
}

async function stopServer(server: RunningServer | null): Promise<void> {
  if (!server || server.child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 25_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') server.child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------
// Measurement

async function runLoad(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; requests: AutocannonRequest[] },
): Promise<
  Pick<ScenarioResult, 'requestsPerSecond' | 'responses' | 'non2xx' | 'errors' | 'latency'> & { statusCodes: string }
> {
  const samples: number[] = [];
  const instance = autocannon({
    url,
    connections,
    duration: durationSeconds,
    timeout: 30,
    method: options.method,
    headers: options.headers,
    body: options.body,
    requests: options.requests,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    samples.push(responseTime);
  });
  const result = await instance;
  const statusCodes = Object.entries(result.statusCodeStats)
    .map(([code, stat]) => `${code}: ${stat.count}`)
    .join(', ');
  return {
    requestsPerSecond: samples.length / (result.duration || durationSeconds),
    responses: samples.length,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    latency: summarize(samples),
    statusCodes,
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux; null elsewhere). */
function processCpuMs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** The SQL alone under `connections` concurrent connections of a `pg` Pool for the load's duration. */
async function sqlThroughput(
  pool: pg.Pool,
  sqlFor: (client: pg.ClientBase, index: number) => Promise<PageResult>,
  variants: number,
): Promise<number> {
  const deadline = performance.now() + durationSeconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      const client = await pool.connect();
      try {
        for (let i = worker; performance.now() < deadline; i += connections) {
          await sqlFor(client, i % variants);
          done += 1;
        }
      } finally {
        client.release();
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

/**
 * The API one request at a time: the load generator's own client (autocannon) on one kept-alive
 * connection, one request after the other. Not fetch: measured side by side on one server, fetch
 * took about 0.8 ms a request more than node:http, and node:http a few tenths more than autocannon;
 * that is the client's time, not the API's (the SQL beside it runs on a bare `pg` client). The
 * first response of a block (which opens the connection) is not counted.
 */
async function sequentialApi(
  url: string,
  paths: string[],
  headers: Record<string, string>,
  amount: number,
): Promise<number[]> {
  const samples: number[] = [];
  let failure: string | null = null;
  const instance = autocannon({
    url,
    connections: 1,
    amount: amount + 1,
    timeout: 30,
    requests: paths.map((p) => ({ method: 'GET', path: p, headers })),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status !== 200) failure ??= `answered ${status}`;
    samples.push(responseTime);
  });
  await instance;
  if (failure) throw new Error(`API one at a time: ${failure}`);
  return samples.slice(1);
}

/** Blocks of the one-at-a-time comparison: SQL and API alternate, so a drift in load meets both. */
const SEQUENTIAL_BLOCKS = 10;

/**
 * The query's SQL, the same SQL after the session lookup the server makes first, and the API, one
 * request at a time, in alternating blocks of sqlIterations / SEQUENTIAL_BLOCKS each.
 */
async function alternatingSequential(
  server: RunningServer,
  sqlClient: pg.Client,
  headers: Record<string, string>,
  sessionId: string,
  spec: { paths: string[]; sqlFor: (client: pg.ClientBase, index: number) => Promise<PageResult> },
): Promise<{ sql: number[]; sqlWithSession: number[]; api: number[] }> {
  const perBlock = Math.max(1, Math.round(sqlIterations / SEQUENTIAL_BLOCKS));
  const sql: number[] = [];
  const sqlWithSession: number[] = [];
  const api: number[] = [];
  let index = 0;
  for (let block = 0; block < SEQUENTIAL_BLOCKS; block += 1) {
    sql.push(...(await timeIterations(() => spec.sqlFor(sqlClient, index++ % spec.paths.length), perBlock)));
    sqlWithSession.push(
      ...(await timeIterations(async () => {
        if ((await sessionLookupSql(sqlClient, sessionId)) === 0) throw new Error('session lookup found no session');
        return spec.sqlFor(sqlClient, index++ % spec.paths.length);
      }, perBlock)),
    );
    api.push(...(await sequentialApi(server.url, spec.paths, headers, perBlock)));
  }
  return { sql, sqlWithSession, api };
}

function compareWithSql(label: string, api: { keys: string[]; total: number }, sql: PageResult): string | null {
  if (api.total !== sql.total) return `${label}: API total ${api.total}, SQL total ${sql.total}`;
  if (api.keys.join() !== sql.keys.join())
    return `${label}: first page differs (API ${api.keys.slice(0, 3).join(', ')}..., SQL ${sql.keys.slice(0, 3).join(', ')}...)`;
  return null;
}

type Page = { items: Array<{ id?: string; code?: string }>; total: number };

async function signIn(url: string): Promise<{ status: number; cookie: string | null; body: unknown }> {
  const response = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: BENCH_ADMIN_EMAIL, password: BENCH_ADMIN_PASSWORD }),
  });
  const body = (await response.json().catch(() => null)) as unknown;
  const setCookie = response.headers.getSetCookie().find((c) => /session/i.test(c));
  return { status: response.status, cookie: setCookie ? setCookie.split(';')[0]! : null, body };
}

async function scenarioSignIn(url: string): Promise<{ result: ScenarioResult; cookie: string | null }> {
  const result: ScenarioResult = { name: '(a) sign-in', request: 'POST /api/v1/auth/login', status: 'unavailable' };
  const probe = await signIn(url);
  if (probe.status === 404) {
    result.note = 'route not implemented yet (404)';
    return { result, cookie: null };
  }
  const status = (probe.body as { status?: string } | null)?.status;
  if (probe.status !== 200 || status !== 'signedIn' || !probe.cookie) {
    result.status = 'failed';
    result.note = `probe sign-in answered ${probe.status} ${JSON.stringify(probe.body).slice(0, 200)}`;
    return { result, cookie: null };
  }
  if (!runs('a')) return { result: { ...result, note: 'not run (BENCH_ONLY)' }, cookie: probe.cookie };
  log(`(a) sign-in: ${connections} connections for ${durationSeconds} s`);
  const load = await runLoad(url, {
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: BENCH_ADMIN_EMAIL, password: BENCH_ADMIN_PASSWORD }),
      },
    ],
  });
  Object.assign(result, load, { status: 'measured' });
  if (load.non2xx) result.note = `status codes ${load.statusCodes}`;
  return { result, cookie: probe.cookie };
}

async function scenarioSearch(
  server: RunningServer,
  sqlClient: pg.Client,
  sqlPool: pg.Pool,
  cookie: string | null,
  spec: {
    name: string;
    request: string;
    paths: string[];
    keyOf: (item: { id?: string; code?: string }) => string;
    sqlFor: (client: pg.ClientBase, index: number) => Promise<PageResult>;
  },
): Promise<ScenarioResult> {
  const result: ScenarioResult = { name: spec.name, request: spec.request, status: 'unavailable' };
  const headers: Record<string, string> = cookie ? { cookie } : {};
  const probe = await fetch(`${server.url}${spec.paths[0]!}`, { headers });
  if (probe.status === 404) {
    result.note = 'route not implemented yet (404)';
    return result;
  }
  if (!cookie) {
    result.note = 'no session cookie (sign-in unavailable)';
    return result;
  }
  if (!probe.ok) {
    result.status = 'failed';
    result.note = `probe answered ${probe.status} ${(await probe.text()).slice(0, 200)}`;
    return result;
  }
  await probe.arrayBuffer();

  // Same answer as the hand-written SQL? (checks that the SQL timings measure the same work)
  const mismatches: string[] = [];
  for (let i = 0; i < spec.paths.length; i += 1) {
    const page = (await (await fetch(`${server.url}${spec.paths[i]!}`, { headers })).json()) as Page;
    const problem = compareWithSql(
      spec.paths[i]!,
      { keys: page.items.map(spec.keyOf), total: page.total },
      await spec.sqlFor(sqlClient, i),
    );
    if (problem) mismatches.push(problem);
  }
  result.equivalence =
    mismatches.length === 0 ? `same total and first page for ${spec.paths.length} queries` : mismatches.join('; ');

  log(
    `${spec.name}: SQL, SQL after the session lookup and the API one at a time, ${sqlIterations} runs each, alternating`,
  );
  const sessionId = createHash('sha256')
    .update(cookie.slice(cookie.indexOf('=') + 1))
    .digest('hex');
  const sequential = await alternatingSequential(server, sqlClient, headers, sessionId, spec);
  result.sql = summarize(sequential.sql);
  result.sqlWithSession = summarize(sequential.sqlWithSession);
  result.sequential = summarize(sequential.api);
  log(`${spec.name}: SQL alone, ${connections} pg connections for ${durationSeconds} s`);
  result.sqlRequestsPerSecond = await sqlThroughput(sqlPool, spec.sqlFor, spec.paths.length);
  log(`${spec.name}: ${connections} connections for ${durationSeconds} s`);
  const cpuBefore = processCpuMs(server.child.pid);
  const load = await runLoad(server.url, { requests: spec.paths.map((p) => ({ method: 'GET', path: p, headers })) });
  const cpuAfter = processCpuMs(server.child.pid);
  Object.assign(result, load, { status: 'measured' });
  if (cpuBefore !== null && cpuAfter !== null && load.responses) {
    result.serverCpuMsPerRequest = (cpuAfter - cpuBefore) / load.responses;
  }
  if (load.non2xx) result.note = `status codes ${load.statusCodes}`;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Report

function printReport(results: ScenarioResult[]): void {
  const lines = [
    `## Kooperacja API benchmark (${new Date().toISOString().slice(0, 10)})`,
    '',
    `PostgreSQL at 127.0.0.1, ${institutionCount} institutions, ${connections} connections x ${durationSeconds} s per scenario, ` +
      `node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}); load generator and server on the same machine.`,
    `Load average at the start ${startLoad.map((l) => l.toFixed(1)).join(' / ')}, at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} ` +
      '(1 / 5 / 15 min): anything well above 0 means other work shared the CPUs and the figures are pessimistic.',
    '',
    `| scenario | req/s | SQL req/s | API / SQL req/s | server CPU ms/req | p50 ms | p95 ms | p99 ms | non-2xx | SQL p50 ms | SQL p95 ms | API p50 / SQL p50 | API p50 ms, 1 conn | 1 conn / SQL | session + SQL p50 ms | 1 conn / (session + SQL) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    if (r.status !== 'measured') {
      lines.push(`| ${r.name} \`${r.request}\` | ${r.status}: ${r.note ?? ''} | | | | | | | | | | | | | | |`);
      continue;
    }
    const ratio = r.sql && r.latency ? `${(r.latency.p50 / r.sql.p50).toFixed(1)}x` : '-';
    const sequentialRatio = r.sql && r.sequential ? `${(r.sequential.p50 / r.sql.p50).toFixed(1)}x` : '-';
    const withSessionRatio =
      r.sqlWithSession && r.sequential ? `${(r.sequential.p50 / r.sqlWithSession.p50).toFixed(1)}x` : '-';
    const sqlRate = r.sqlRequestsPerSecond;
    const rateRatio = sqlRate ? `${((r.requestsPerSecond! / sqlRate) * 100).toFixed(0)}%` : '-';
    lines.push(
      `| ${r.name} \`${r.request}\` | ${r.requestsPerSecond!.toFixed(0)} | ${sqlRate ? sqlRate.toFixed(0) : '-'} | ${rateRatio} | ` +
        `${r.serverCpuMsPerRequest !== undefined ? formatMs(r.serverCpuMsPerRequest) : '-'} | ` +
        `${formatMs(r.latency!.p50)} | ${formatMs(r.latency!.p95)} | ` +
        `${formatMs(r.latency!.p99)} | ${r.non2xx ?? 0} | ${r.sql ? formatMs(r.sql.p50) : '-'} | ${r.sql ? formatMs(r.sql.p95) : '-'} | ` +
        `${ratio} | ${r.sequential ? formatMs(r.sequential.p50) : '-'} | ${sequentialRatio} | ` +
        `${r.sqlWithSession ? formatMs(r.sqlWithSession.p50) : '-'} | ${withSessionRatio} |`,
    );
  }
  lines.push('');
  lines.push(
    'SQL = the statements the service runs (the page with its total; for the basket, the statements findServicePage sent, recorded) on one `pg` connection.',
  );
  lines.push(
    `"SQL req/s" is the same SQL on ${connections} \`pg\` connections for the same ${durationSeconds} s (a ceiling for the API's req/s); ` +
      '"server CPU ms/req" is the server process\'s user + system CPU time under the load divided by its responses; ' +
      `"API p50 / SQL p50" compares the loaded API (${connections} connections) with unloaded SQL; "1 conn" is the API one request at a time, ` +
      `measured in ${SEQUENTIAL_BLOCKS} blocks alternating with the SQL alone and with "session + SQL" (the session lookup every signed-in request makes, then the same SQL).`,
  );
  for (const r of results) {
    if (r.equivalence) lines.push(`- ${r.name}: SQL equivalence: ${r.equivalence}`);
    if (r.note && r.status === 'measured') lines.push(`- ${r.name}: ${r.note}`);
  }
  console.log(`\n${lines.join('\n')}\n`);
}

function formatAuditedReads(reads: { alone: LatencySummary; duringImport: LatencySummary }): string {
  const row = (label: string, r: LatencySummary) =>
    `| ${label} | ${r.count} | ${formatMs(r.p50)} | ${formatMs(r.p95)} | ${formatMs(r.max)} |`;
  return [
    '(g) audited read GET /institutions/:id (its audit event commits with it)',
    '| when | reads | p50 ms | p95 ms | max ms |',
    '| --- | --- | --- | --- | --- |',
    row('alone', reads.alone),
    row('while the import previews and confirms', reads.duringImport),
  ].join('\n');
}

function formatAuditTrail(result: AuditBenchResult | { error: string }): string {
  if ('error' in result) return `(h) audit trail failed: ${result.error}`;
  const v = result.verification;
  return [
    '(h) audit trail (direct, on the bench database)',
    `audited read alone: p50 ${formatMs(result.auditedReadAlone.p50)} ms, p95 ${formatMs(result.auditedReadAlone.p95)} ms; ` +
      `while a ${result.importEvents}-event transaction stays open ${result.importHeldMs.toFixed(0)} ms: ` +
      `p50 ${formatMs(result.auditedReadDuringImport.p50)} ms, p95 ${formatMs(result.auditedReadDuringImport.p95)} ms, ` +
      `max ${formatMs(result.auditedReadDuringImport.max)} ms`,
    `${result.concurrentWriters} concurrent writers, ${result.writerEvents} events: ${result.insertsPerSecond.toFixed(0)} inserts/s; ` +
      `seal ${result.sealMs.toFixed(0)} ms, verify ${result.verifyMs.toFixed(0)} ms: ${v.isValid ? 'valid' : 'BROKEN'}, ` +
      `${v.checkedCount} events, ${v.sealedCount} sealed, ${v.unsealedCount} not sealed`,
  ].join('\n');
}

function formatImport(timings: ImportTimings | { error: string }): string {
  if ('error' in timings) return `(g) basket import: failed: ${timings.error}\n`;
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  return [
    `(g) basket import through the API, one request at a time (${timings.rows} rows, ${(timings.sheetBytes / 1024).toFixed(0)} KiB .xlsx):`,
    `- preview (upload, parse, validate every row, store): ${formatMs(timings.previewMs)} ms (${counts(timings.counts)})`,
    `- confirm (all rows in one transaction through the card store): ${formatMs(timings.confirmMs)} ms`,
    `- export.xlsx of the basket: ${formatMs(timings.exportMs)} ms (${timings.exportedRows} rows)`,
    `- that export imported back: preview ${formatMs(timings.roundTripPreviewMs)} ms (${counts(timings.roundTripCounts)}), confirm ${formatMs(timings.roundTripConfirmMs)} ms`,
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const host = new URL(adminUrl).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    console.error(`bench: BENCH_POSTGRES_URL must point at the local server (127.0.0.1), not ${host}`);
    return 2;
  }
  const benchUrl = withDatabase(adminUrl, BENCH_DATABASE);
  const started = Date.now();
  let server: RunningServer | null = null;
  let sqlClient: pg.Client | null = null;
  let sqlPool: pg.Pool | null = null;
  let stopping = false;
  const cleanup = async () => {
    if (stopping) return;
    stopping = true;
    await sqlClient?.end().catch(() => {});
    await sqlPool?.end().catch(() => {});
    await stopServer(server);
    if (!keepDatabase) {
      await adminQuery(`drop database if exists ${BENCH_DATABASE} with (force)`).catch((error: unknown) =>
        console.error(`bench: could not drop ${BENCH_DATABASE}: ${(error as Error).message}`),
      );
      log(`dropped database ${BENCH_DATABASE}`);
    } else log(`kept database ${BENCH_DATABASE} (BENCH_KEEP_DB=true)`);
  };
  const onSignal = () => {
    void cleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    if (reuseDatabase) {
      basketData = await readBasketBenchData(benchUrl);
      log(`reusing database ${BENCH_DATABASE} (${basketData.services} services)`);
    } else await prepareDatabase(benchUrl);
    log(serverFromSource ? 'starting the server from the sources (tsx)' : 'building the server and starting dist/');
    server = await startServer(benchUrl);
    log(`server ready at ${server.url}`);
    sqlClient = new pg.Client({ connectionString: benchUrl });
    await sqlClient.connect();
    sqlPool = new pg.Pool({ connectionString: benchUrl, max: connections });
    const client = sqlClient;
    const pool = sqlPool;

    const results: ScenarioResult[] = [];
    const signIn = await scenarioSignIn(server.url);
    results.push(signIn.result);

    const institutionPaths = institutionSearches.map(
      (s) => `/api/v1/institutions?${new URLSearchParams({ q: s.q, kind: s.kind }).toString()}`,
    );
    if (runs('b'))
      results.push(
        await scenarioSearch(server, client, pool, signIn.cookie, {
          name: '(b) institution search',
          request: 'GET /api/v1/institutions?q=…&kind=…',
          paths: institutionPaths,
          keyOf: (item) => item.id ?? '',
          sqlFor: (c, i) => institutionSearchSql(c, institutionSearches[i]!),
        }),
      );
    if (runs('c'))
      results.push(
        await scenarioSearch(server, client, pool, signIn.cookie, {
          name: '(c) territory search',
          request: `GET /api/v1/territories?q=${TERRITORY_QUERY}`,
          paths: [`/api/v1/territories?q=${TERRITORY_QUERY}`],
          keyOf: (item) => item.code ?? '',
          sqlFor: (c) => territorySearchSql(c, TERRITORY_QUERY),
        }),
      );

    const basket = basketData!;
    const basketQuery = { q: basketSearch.q, area: basketSearch.area };
    const gminaQuery = { ...basketQuery, coversGmina: basket.gmina };
    const recorder = await openPostgres(benchUrl);
    const [adminSql, ropsGminaSql, ropsVoivodeshipSql] = await (async () => {
      try {
        return [
          await captureServiceSearch(recorder.db, recorder.pool!, BENCH_ADMIN_EMAIL, gminaQuery),
          await captureServiceSearch(recorder.db, recorder.pool!, BENCH_ROPS_EMAIL, gminaQuery),
          await captureServiceSearch(recorder.db, recorder.pool!, BENCH_ROPS_EMAIL, basketQuery),
        ];
      } finally {
        await recorder.close();
      }
    })();
    const basketPath = `/api/v1/services?${new URLSearchParams(gminaQuery).toString()}`;
    if (runs('d'))
      results.push(
        await scenarioSearch(server, client, pool, signIn.cookie, {
          name: `(d) basket search as admin (${serviceCount} services)`,
          request: 'GET /api/v1/services?q=…&area=…&coversGmina=…',
          paths: [basketPath],
          keyOf: (item) => item.id ?? '',
          sqlFor: (c) => basketSearchSql(c, adminSql),
        }),
      );
    const rops = await signInWithCsrf(server.url, BENCH_ROPS_EMAIL, BENCH_USER_PASSWORD);
    if (runs('e'))
      results.push(
        await scenarioSearch(server, client, pool, rops.cookie, {
          name: `(e) basket search as ROPS coordinator (one voivodeship)`,
          request: 'GET /api/v1/services?q=…&area=…&coversGmina=…',
          paths: [basketPath],
          keyOf: (item) => item.id ?? '',
          sqlFor: (c) => basketSearchSql(c, ropsGminaSql),
        }),
      );
    if (runs('f'))
      results.push(
        await scenarioSearch(server, client, pool, rops.cookie, {
          name: `(f) basket search as ROPS coordinator, whole voivodeship`,
          request: 'GET /api/v1/services?q=…&area=…',
          paths: [`/api/v1/services?${new URLSearchParams(basketQuery).toString()}`],
          keyOf: (item) => item.id ?? '',
          sqlFor: (c) => basketSearchSql(c, ropsVoivodeshipSql),
        }),
      );

    let importTimings: ImportTimings | { error: string } | null = null;
    let auditedReads: { alone: LatencySummary; duringImport: LatencySummary } | null = null;
    if (runs('g'))
      try {
        log(`(g) import of a ${importRows}-row .xlsx (preview + confirm), then export and import back`);
        const session = await signInWithCsrf(server.url, BENCH_COORDINATOR_EMAIL, BENCH_USER_PASSWORD);
        const [leader] = (
          await client.query<{ name: string }>(
            'select i.name from partnerships p join institutions i on i.id = p.leader_institution_id where p.id = $1',
            [basket.partnershipId],
          )
        ).rows;
        const sheet = await buildImportSheet(importRows, basket.gmina, leader!.name);
        // Issue 7 item 4: an audited read (GET /institutions/:id) alone, then again and again while
        // the import previews and confirms (one transaction, an audit event per card).
        const [probe] = (await client.query<{ id: string }>('select id from institutions order by id limit 1')).rows;
        const readProbe = async () => {
          const begun = performance.now();
          const response = await fetch(`${server!.url}/api/v1/institutions/${probe!.id}`, {
            headers: { cookie: session.cookie },
          });
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`audited read answered ${response.status}`);
          return performance.now() - begun;
        };
        const alone: number[] = [];
        for (let i = 0; i < 100; i += 1) alone.push(await readProbe());
        const during: number[] = [];
        let isImporting = true;
        const reader = (async () => {
          // Paced like a person clicking (one read every 100 ms), so the reads measure waiting for
          // the import rather than competing with it for the two cores.
          while (isImporting) {
            during.push(await readProbe());
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();
        try {
          importTimings = await measureBasketImport(server.url, session, basket.partnershipId, sheet, importRows);
        } finally {
          isImporting = false;
          await reader;
        }
        auditedReads = { alone: summarize(alone), duringImport: summarize(during) };
      } catch (error) {
        importTimings = { error: (error as Error).message };
      }

    let auditTrail: AuditBenchResult | { error: string } | null = null;
    if (runs('h')) {
      log('(h) audit trail: audited reads beside a 2,000-event transaction, 50 concurrent writers, seal, verify');
      const handle = await openPostgres(benchUrl);
      try {
        // The server seals the same log meanwhile (its leader task), with the same key.
        auditTrail = await measureAuditTrail(handle.db, { key: parseAuditSealKey(benchAuditSealKey) });
      } catch (error) {
        auditTrail = { error: (error as Error).message };
      } finally {
        await handle.close();
      }
    }

    const serverWarnings = server.output
      .join('')
      .split('\n')
      .filter((line) => line.includes('"level":50') || line.includes('"level":60'));
    if (serverWarnings.length > 0)
      console.log(`server logged ${serverWarnings.length} errors, e.g.:\n${serverWarnings.slice(0, 3).join('\n')}`);

    printReport(results);
    if (importTimings) console.log(formatImport(importTimings));
    if (auditedReads) console.log(formatAuditedReads(auditedReads));
    if (auditTrail) console.log(formatAuditTrail(auditTrail));
    const outDir = path.join(root, '.tmp', 'bench');
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      path.join(outDir, 'results.json'),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          institutionCount,
          serviceCount,
          connections,
          durationSeconds,
          sqlIterations,
          results,
          import: importTimings,
          auditedReads,
          auditTrail,
        },
        null,
        2,
      ),
    );
    log(`results in .tmp/bench/results.json; ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
    return results.some((r) => r.status === 'failed') ||
      (importTimings && 'error' in importTimings) ||
      (auditTrail && ('error' in auditTrail || !auditTrail.verification.isValid))
      ? 1
      : 0;
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
