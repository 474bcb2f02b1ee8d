/**
 * SECURITY-RELEVANT. Validates an HSDS document against the official HSDS 3.0 JSON Schema (Open
 * Referral, CC BY-SA 4.0; our copy in server/data/hsds with its attribution). An uploaded document
 * is hostile input: it is checked here before any of it is read, and the answer names each path.
 *
 * Two steps, both bounded (security issue 6): `checkHsdsShape` counts before any schema work (items
 * per list, values in all, nesting, string and key lengths) and stops at the first excess; then the
 * schema check stops at the first error, and only a document that fails is checked again, list item
 * by list item with all errors, until MAX_REPORTED_ERRORS are found. (ajv with allErrors on the whole
 * document merges the errors of every failing item by copying them: quadratic in the errors.) Both
 * run in an import worker (hsds.read.ts), never on the event loop.
 *
 * The schema has no $id and uses non-standard keywords, hence `strict: false` (server/data/hsds/README.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { AppError, type FieldError } from '../../platform/http/problem.js';

export const hsdsSchemaPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../data/hsds/3.0/compiled/service_with_definitions.json',
);

const SERVICE_SCHEMA = 'hsds-3.0-service';
/** Upper bounds that keep one import within what one transaction and one preview can show. */
export const HSDS_MAX_SERVICES = 2000;
const MAX_REPORTED_ERRORS = 50;

/** Items allowed in each top-level list of the envelope. */
export const HSDS_LIST_LIMITS = {
  taxonomies: 100,
  taxonomy_terms: 10_000,
  organizations: HSDS_MAX_SERVICES,
  locations: HSDS_MAX_SERVICES * 2,
  services: HSDS_MAX_SERVICES,
} as const;

/**
 * The shape any real document fits with room to spare: our own export holds some 32,000 values per
 * MB (so about 170,000 in the 5 MiB the route accepts) and nests 7 deep; below the envelope its
 * longest list is a reach (at most 500 gminas); a card's longest text is 5,000 characters.
 */
export const HSDS_SHAPE_LIMITS = {
  values: 500_000,
  depth: 16,
  nestedListItems: 1_000,
  objectKeys: 200,
  stringLength: 20_000,
  keyLength: 200,
} as const;

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

let validators: Validators | null = null;

type Validators = {
  document: ValidateFunction;
  service: ValidateFunction;
  organization: ValidateFunction;
  location: ValidateFunction;
};
let detailedValidators: (Validators & { envelope: ValidateFunction; items: Record<string, ValidateFunction> }) | null =
  null;

/** allErrors: false stops at the first error; the detailed validators (allErrors) see one item at a time. */
function compileValidators(allErrors: boolean) {
  const ajv = new Ajv({ strict: false, allErrors });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(hsdsSchemaPath, 'utf8')) as object, SERVICE_SCHEMA);
  const definition = (name: string) => ({ $ref: `${SERVICE_SCHEMA}#/definitions/${name}` });
  const list = (items: object, maxItems: number) => ({ type: 'array', maxItems, items });
  const itemSchemas: Record<keyof typeof HSDS_LIST_LIMITS, object> = {
    taxonomies: definition('taxonomy'),
    taxonomy_terms: definition('taxonomy_term'),
    organizations: definition('organization'),
    locations: definition('location'),
    services: { $ref: SERVICE_SCHEMA },
  };
  // Our envelope (hsds.mapping.ts): only `services` is required; the lists it points into are optional.
  const documentSchema = {
    type: 'object',
    required: ['services'],
    properties: {
      hsds_version: { type: 'string', pattern: '^3\\.' },
      taxonomies: list(itemSchemas.taxonomies, HSDS_LIST_LIMITS.taxonomies),
      taxonomy_terms: list(itemSchemas.taxonomy_terms, HSDS_LIST_LIMITS.taxonomy_terms),
      organizations: list(itemSchemas.organizations, HSDS_LIST_LIMITS.organizations),
      locations: list(itemSchemas.locations, HSDS_LIST_LIMITS.locations),
      services: { ...list(itemSchemas.services, HSDS_LIST_LIMITS.services), minItems: 1 },
    },
  };
  // The envelope alone: its lists with any items, for the detailed check of a failing document.
  const envelopeSchema = {
    ...documentSchema,
    properties: Object.fromEntries(
      Object.entries(documentSchema.properties).map(([key, value]) => [key, { ...value, items: {} }]),
    ),
  };
  return {
    document: ajv.compile(documentSchema),
    envelope: ajv.compile(envelopeSchema),
    items: Object.fromEntries(Object.entries(itemSchemas).map(([key, schema]) => [key, ajv.compile(schema)])),
    service: ajv.getSchema(SERVICE_SCHEMA)!,
    organization: ajv.compile(definition('organization')),
    location: ajv.compile(definition('location')),
  };
}

/** Compiled once, on first use, so that the app starts without reading the schema. */
export function hsdsValidators(): Validators {
  validators ??= compileValidators(false);
  return validators;
}

function hsdsDetailedValidators() {
  detailedValidators ??= compileValidators(true);
  return detailedValidators;
}

const tooLarge = (field: string, pl: string, en: string): never => {
  throw new AppError('payloadTooLarge', [{ field, code: 'hsdsTooLarge', messages: { pl, en } }]);
};

/**
 * Counts before any schema work and stops at the first excess: 413 naming the path and the limit.
 * Also refuses what Fastify's JSON parser refuses (a `__proto__` key, `constructor.prototype`), as
 * the document is parsed in the worker, not by Fastify. An iterative walk: no depth overflows it.
 */
export function checkHsdsShape(document: unknown): void {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new AppError('validation', [
      {
        field: '(document)',
        code: 'invalid_type',
        messages: { pl: 'Dokument HSDS musi być obiektem JSON.', en: 'An HSDS document must be a JSON object.' },
      },
    ]);
  }
  const limits = HSDS_SHAPE_LIMITS;
  type Entry = { value: unknown; depth: number; key: string; parent: Entry | null };
  const pathOf = (entry: Entry) => {
    const parts: string[] = [];
    for (let at: Entry | null = entry; at?.parent; at = at.parent) parts.unshift(at.key);
    return parts.join('.') || '(document)';
  };
  const stack: Entry[] = [{ value: document, depth: 0, key: '', parent: null }];
  let values = 1;
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value, depth } = entry;
    if (typeof value === 'string') {
      if (value.length > limits.stringLength) {
        tooLarge(
          pathOf(entry),
          `Zbyt długi tekst (najwyżej ${limits.stringLength} znaków).`,
          `Text too long (at most ${limits.stringLength} characters).`,
        );
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limits.depth) {
      tooLarge(
        pathOf(entry),
        `Zbyt głębokie zagnieżdżenie (najwyżej ${limits.depth} poziomów).`,
        `Nested too deep (at most ${limits.depth} levels).`,
      );
    }
    const isList = Array.isArray(value);
    const keys = isList ? null : Object.keys(value);
    const size = isList ? value.length : keys!.length;
    const listLimit =
      isList && depth === 1 && Object.hasOwn(HSDS_LIST_LIMITS, entry.key)
        ? HSDS_LIST_LIMITS[entry.key as keyof typeof HSDS_LIST_LIMITS]
        : limits.nestedListItems;
    if (isList && size > listLimit) {
      tooLarge(
        pathOf(entry),
        `Zbyt wiele elementów listy (najwyżej ${listLimit}).`,
        `Too many items in the list (at most ${listLimit}).`,
      );
    }
    if (!isList && size > limits.objectKeys) {
      tooLarge(
        pathOf(entry),
        `Zbyt wiele pól obiektu (najwyżej ${limits.objectKeys}).`,
        `Too many fields in the object (at most ${limits.objectKeys}).`,
      );
    }
    values += size;
    if (values > limits.values) {
      tooLarge(
        '(document)',
        `Dokument ma zbyt wiele wartości (najwyżej ${limits.values}); podziel go na mniejsze.`,
        `The document has too many values (at most ${limits.values}); split it.`,
      );
    }
    if (isList) {
      for (let i = size - 1; i >= 0; i -= 1)
        stack.push({ value: value[i], depth: depth + 1, key: String(i), parent: entry });
      continue;
    }
    for (const key of keys!) {
      const child = (value as Record<string, unknown>)[key];
      const isPoisoned =
        key === '__proto__' ||
        (key === 'constructor' && typeof child === 'object' && child !== null && 'prototype' in child);
      if (isPoisoned) throw new AppError('invalidJson');
      if (key.length > limits.keyLength) {
        tooLarge(
          pathOf(entry),
          `Zbyt długa nazwa pola (najwyżej ${limits.keyLength} znaków).`,
          `Field name too long (at most ${limits.keyLength} characters).`,
        );
      }
      stack.push({ value: child, depth: depth + 1, key, parent: entry });
    }
  }
}

export type HsdsSchemaError = { path: string; keyword: string; message: string };

function toSchemaErrors(errors: ErrorObject[] | null | undefined, prefix = ''): HsdsSchemaError[] {
  return (errors ?? []).map((e) => ({
    path: prefix + e.instancePath === '' ? '(document)' : `${prefix}${e.instancePath}`.slice(1).replaceAll('/', '.'),
    keyword: e.keyword,
    message:
      e.keyword === 'required'
        ? `missing ${String((e.params as { missingProperty?: string }).missingProperty)}`
        : (e.message ?? e.keyword),
  }));
}

/**
 * Errors of the document against the envelope and the official schema, at most MAX_REPORTED_ERRORS;
 * [] when valid. For an uploaded document call checkHsdsShape first: this bounds the errors, the
 * shape check bounds the work.
 */
export function validateHsdsDocument(document: unknown): HsdsSchemaError[] {
  const { document: validate } = hsdsValidators();
  if (validate(document)) return [];
  const detailed = hsdsDetailedValidators();
  const errors: HsdsSchemaError[] = detailed.envelope(document) ? [] : toSchemaErrors(detailed.envelope.errors);
  const envelope = document as Record<string, unknown>;
  for (const [list, validateItem] of Object.entries(detailed.items)) {
    const items = envelope[list];
    if (!Array.isArray(items)) continue;
    for (const [index, item] of items.entries()) {
      if (errors.length >= MAX_REPORTED_ERRORS) return errors.slice(0, MAX_REPORTED_ERRORS);
      if (!validateItem(item)) errors.push(...toSchemaErrors(validateItem.errors, `/${list}/${index}`));
    }
  }
  // Never "invalid" without a reason, even should the two validators ever disagree.
  return errors.length > 0 ? errors.slice(0, MAX_REPORTED_ERRORS) : toSchemaErrors(validate.errors);
}

/** One object against its official definition; for the tests and for diagnosing a partner's file. */
export function validateHsdsObject(kind: 'service' | 'organization' | 'location', value: unknown): HsdsSchemaError[] {
  const validate = hsdsDetailedValidators()[kind];
  return validate(value) ? [] : toSchemaErrors(validate.errors);
}

/** Schema errors as problem+json field errors: the path in the document and the reason, in Polish too. */
export function schemaErrorsToFieldErrors(errors: HsdsSchemaError[]): FieldError[] {
  return errors.slice(0, MAX_REPORTED_ERRORS).map((e) => ({
    field: e.path,
    code: 'hsdsSchema',
    messages: {
      pl: `Niezgodne ze schematem HSDS 3.0 (${e.keyword}): ${e.message}.`,
      en: `Does not match the HSDS 3.0 schema (${e.keyword}): ${e.message}.`,
    },
  }));
}
