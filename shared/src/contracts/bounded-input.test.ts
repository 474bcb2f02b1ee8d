/**
 * Every list a client may send is bounded at the contract (security issue 6): one request must not
 * carry an array of any length into the validation and the services behind it.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as contracts from './index.js';

type JsonSchema = { type?: string | string[]; maxItems?: number } & Record<string, unknown>;

/** Paths of arrays without maxItems anywhere in a JSON Schema. */
function unboundedArrays(schema: unknown, path = '$'): string[] {
  if (Array.isArray(schema)) return schema.flatMap((item, i) => unboundedArrays(item, `${path}[${i}]`));
  if (!schema || typeof schema !== 'object') return [];
  const node = schema as JsonSchema;
  const isArray = node.type === 'array' || (Array.isArray(node.type) && node.type.includes('array'));
  const own = isArray && node.maxItems === undefined ? [path] : [];
  return [...own, ...Object.entries(node).flatMap(([key, value]) => unboundedArrays(value, `${path}.${key}`))];
}

const inputs = (Object.entries(contracts) as Array<[string, unknown]>).filter(
  (entry): entry is [string, z.ZodType] => /(Input|Query)$/.test(entry[0]) && entry[1] instanceof z.ZodType,
);

describe('input contracts', () => {
  it('finds the inputs', () => {
    expect(inputs.map(([name]) => name)).toEqual(
      expect.arrayContaining(['CreateServiceInput', 'ServiceSearchQuery', 'CreateUserInput']),
    );
  });

  it.each(inputs)('%s bounds every array', (_name, schema) => {
    expect(unboundedArrays(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }))).toEqual([]);
  });
});
