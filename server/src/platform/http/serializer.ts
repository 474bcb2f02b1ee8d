/**
 * SECURITY-RELEVANT. The response serializer: each route's zod response schema is turned into JSON
 * Schema once, when the route is registered, and compiled by fast-json-stringify (what Fastify uses
 * for JSON Schema routes). A response then costs one generated stringify instead of a zod encode
 * followed by JSON.stringify. It is a whitelist: an object is written with the properties its
 * schema names and no others, so a field a query selected but the contract does not declare (a
 * password hash, an internal note) never leaves the server (serializer.test.ts).
 *
 * A schema JSON Schema cannot express (a transform or another run-time-only step on the output)
 * keeps the zod serializer of fastify-type-provider-zod, which strips unknown keys the same way.
 */
import fastJson, { type Schema } from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type JsonSchema = { [key: string]: unknown };

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Rewrites what zod emits into the forms fast-json-stringify serializes fastest and as zod does:
 * `anyOf: [X, {type: null}]` (a nullable field) becomes X with `nullable: true`, so no branch has to
 * be chosen by validating the value at run time; `additionalProperties: false` goes, because
 * fast-json-stringify writes only the declared properties anyway, and with it a branch of a union
 * would not match a value that carries more (zod strips such keys; it does not refuse the value).
 */
function simplify(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(simplify);
  if (!isObject(schema)) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'additionalProperties' && value === false) continue;
    out[key] = simplify(value);
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.length === 2) {
    const nullIndex = anyOf.findIndex((branch) => isObject(branch) && branch.type === 'null');
    const other = anyOf[1 - nullIndex];
    if (nullIndex >= 0 && isObject(other) && typeof other.type === 'string' && !('anyOf' in other)) {
      const { anyOf: _anyOf, ...rest } = out;
      return { ...rest, ...other, nullable: true };
    }
  }
  return out;
}

/** The JSON Schema a zod response schema writes, or null when JSON Schema cannot express it. */
export function responseJsonSchema(schema: z.ZodType): Schema | null {
  try {
    const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw' });
    return simplify(json) as Schema;
  } catch {
    return null;
  }
}

export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = (routeSchema) => {
  const { schema } = routeSchema;
  const json = schema instanceof z.ZodType ? responseJsonSchema(schema) : null;
  if (!json) return zodSerializerCompiler(routeSchema as Parameters<typeof zodSerializerCompiler>[0]);
  return fastJson(json) as (data: unknown) => string;
};
