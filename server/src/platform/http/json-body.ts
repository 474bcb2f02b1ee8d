/**
 * SECURITY-CRITICAL. The JSON body parser: Fastify's own (which refuses `__proto__` and
 * `constructor.prototype`), then a refusal of any object that names a key twice. JSON.parse keeps
 * the last of two equal keys, so `{"role":"caseManager","role":"admin"}` would mean one thing to a
 * reviewer or a proxy that reads the first and another to us (issue 6, item 11).
 */
import type { FastifyInstance } from 'fastify';
import { AppError, fieldError } from './problem.js';

type Frame = { kind: 'object'; keys: Set<string>; isKeyNext: boolean; path: string } | { kind: 'array'; path: string };

/**
 * The path (`contacts.0.email`) of the first key that an object of this valid JSON text repeats, or
 * null. Keys are compared decoded (`"a"` and `"\u0061"` are the same key). One pass, no recursion.
 */
export function findDuplicateKey(text: string): string | null {
  const stack: Frame[] = [];
  let lastKey = '';
  let index = 0;
  const childPath = (frame: Frame | undefined, key: string) => (frame?.path ? `${frame.path}.${key}` : key);
  const arrayIndexes: number[] = [];
  while (index < text.length) {
    const char = text[index]!;
    const top = stack[stack.length - 1];
    if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.kind === 'object' && top.isKeyNext) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        if (top.keys.has(key)) return childPath(top, key);
        top.keys.add(key);
        top.isKeyNext = false;
        lastKey = key;
      }
      index = end + 1;
      continue;
    }
    if (char === '{' || char === '[') {
      const path =
        top?.kind === 'object'
          ? childPath(top, lastKey)
          : top?.kind === 'array'
            ? childPath(top, String(arrayIndexes[arrayIndexes.length - 1]))
            : '';
      stack.push(char === '{' ? { kind: 'object', keys: new Set(), isKeyNext: true, path } : { kind: 'array', path });
      if (char === '[') arrayIndexes.push(0);
    } else if (char === '}' || char === ']') {
      if (stack.pop()?.kind === 'array') arrayIndexes.pop();
    } else if (char === ',') {
      if (top?.kind === 'object') top.isKeyNext = true;
      else if (top?.kind === 'array') arrayIndexes[arrayIndexes.length - 1]! += 1;
    }
    index += 1;
  }
  return null;
}

/** Replaces the application/json parser of the app with the default one plus the duplicate-key refusal. */
export function registerJsonBodyParser(app: FastifyInstance, bodyLimit: number): void {
  const parseDefault = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (request, body, done) => {
    parseDefault(request, body as string, (error, parsed) => {
      if (error) return done(error, undefined);
      const duplicate = findDuplicateKey(body as string);
      if (duplicate !== null)
        return done(new AppError('invalidJson', [fieldError(duplicate, 'duplicateKey')]), undefined);
      return done(null, parsed);
    });
  });
}
