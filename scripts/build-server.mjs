// `npm run build:server`: the production build of the server. Transpiles every TypeScript file of
// server/src and shared/src to JavaScript in dist/ with esbuild (the one vite ships; no bundling, so
// the folder layout, the relative imports and every `import.meta.url` path stay as in the sources),
// and copies what the code reads at run time beside it: migrations, TERYT and HSDS data, and the
// worker threads' entry. `npm run serve` then runs `node dist/server/src/main.js` without a
// TypeScript loader. Tests (*.test.ts) and the test harness are left out.
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');

function sources(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'testing') found.push(...sources(full));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
      found.push(full);
    }
  }
  return found;
}

const started = Date.now();
rmSync(out, { recursive: true, force: true });
const entryPoints = [...sources(path.join(root, 'server/src')), ...sources(path.join(root, 'shared/src'))];
await build({
  entryPoints,
  outdir: out,
  outbase: root,
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const dir of ['server/migrations', 'server/data']) {
  cpSync(path.join(root, dir), path.join(out, dir), { recursive: true });
}
cpSync(
  path.join(root, 'server/src/platform/workers/worker-entry.mjs'),
  path.join(out, 'server/src/platform/workers/worker-entry.mjs'),
);
console.log(`built the server: ${entryPoints.length} modules into dist/ in ${Date.now() - started} ms`);
