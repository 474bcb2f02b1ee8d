/**
 * `npm run db:check-migrations`: fails when the schema in server/src/platform/db/tables.ts and the
 * migrations in server/migrations differ (someone changed tables.ts without `npm run
 * db:new-migration`, or edited a generated snapshot). It runs `drizzle-kit generate` against a
 * temporary copy of the migrations folder: a clean schema yields no new file. Nothing is written
 * into the repository, and the copy is removed whatever happens.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.join(root, 'server/src/platform/db/tables.ts');
const migrationsPath = path.join(root, 'server/migrations');
const drizzleKit = path.join(root, 'node_modules/.bin/drizzle-kit');
const TIMEOUT_MS = 120_000;

function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).sort();
}

function main(): number {
  if (!existsSync(drizzleKit)) {
    console.error('check-migrations: drizzle-kit is not installed (run npm ci).');
    return 2;
  }
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'kooperacja-drift-'));
  try {
    const outDir = path.join(workDir, 'migrations');
    cpSync(migrationsPath, outDir, { recursive: true });
    const before = listFiles(outDir);
    const journalBefore = readFileSync(path.join(outDir, 'meta/_journal.json'), 'utf8');
    const configPath = path.join(workDir, 'drizzle.drift.config.mjs');
    // A plain-object config (no import of drizzle-kit from the temporary folder). drizzle-kit
    // prefixes `out` with './', so both paths are given relative to the repository root.
    const config = { dialect: 'postgresql', schema: path.relative(root, schemaPath), out: path.relative(root, outDir) };
    writeFileSync(configPath, `export default ${JSON.stringify(config)};\n`);
    const result = spawnSync(
      drizzleKit,
      ['generate', `--config=${configPath}`, '--name=drift_check'],
      // No stdin: if drizzle-kit wants to ask "renamed or created?", the schema has drifted anyway.
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: TIMEOUT_MS,
        env: { ...process.env, FORCE_COLOR: '0' },
      },
    );
    const output = stripVTControlCharacters(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    if (result.error) {
      console.error(output);
      console.error(
        `check-migrations: drizzle-kit did not finish (${result.error.message}). It may be waiting for an answer ` +
          'about a renamed table or column: the schema has drifted. Run `npm run db:new-migration` locally.',
      );
      return 1;
    }
    const after = listFiles(outDir);
    const added = after.filter((file) => !before.includes(file));
    const journalChanged = readFileSync(path.join(outDir, 'meta/_journal.json'), 'utf8') !== journalBefore;
    if (result.status !== 0) {
      console.error(output);
      console.error(`check-migrations: drizzle-kit generate exited with ${result.status}.`);
      return 1;
    }
    if (added.length > 0 || journalChanged) {
      console.error('check-migrations: server/src/platform/db/tables.ts and server/migrations differ.');
      for (const file of added.filter((f) => f.endsWith('.sql'))) {
        console.error(
          `\n--- the missing migration (${file}) would be:\n${readFileSync(path.join(outDir, file), 'utf8')}`,
        );
      }
      console.error('\nRun `npm run db:new-migration -- --name=<what changed>` and commit the generated files.');
      return 1;
    }
    if (!/No schema changes/i.test(output)) {
      console.error(output);
      console.error(
        'check-migrations: drizzle-kit wrote nothing but did not report "No schema changes". It fails like this ' +
          'when it would have to ask whether a table or column was renamed, i.e. the schema has drifted: run ' +
          '`npm run db:new-migration` in a terminal and answer its questions.',
      );
      return 1;
    }
    const migrationCount = before.filter((f) => f.endsWith('.sql')).length;
    console.log(
      `check-migrations: OK, schema and ${migrationCount} migrations agree (drizzle-kit: no schema changes).`,
    );
    return 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

process.exitCode = main();
