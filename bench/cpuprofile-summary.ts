/**
 * Sums the self time of a V8 .cpuprofile (from `node --cpu-prof`) per function and per file, to read
 * where a server's CPU went. Usage: `node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: bench/cpuprofile-summary.ts <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number.parseInt(topArg ?? '30', 10);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** A file's short name: the package under node_modules, or the path from the repository's root. */
function place(url: string): string {
  if (!url) return '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const server = url.indexOf('/server/');
  return server >= 0 ? url.slice(server + 1) : url.replace(/^file:\/\//, '');
}

const perFunction = new Map<string, number>();
const perPlace = new Map<string, number>();
let total = 0;
for (const [id, micros] of selfMicros) {
  const frame = byId.get(id)!.callFrame;
  const name = `${frame.functionName || '(anonymous)'} ${place(frame.url)}:${frame.lineNumber + 1}`;
  perFunction.set(name, (perFunction.get(name) ?? 0) + micros);
  const where = frame.url ? place(frame.url) : frame.functionName;
  perPlace.set(where, (perPlace.get(where) ?? 0) + micros);
  total += micros;
}

function print(title: string, entries: Map<string, number>): void {
  console.log(`\n${title} (self time, ${(total / 1000).toFixed(0)} ms sampled)`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
}
print('per package / file', perPlace);
print('per function', perFunction);
