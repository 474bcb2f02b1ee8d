/**
 * SECURITY-RELEVANT. Validates an HSDS document against the official HSDS 3.0 JSON Schema (Open
 * Referral, CC BY-SA 4.0; our copy in server/data/hsds with its attribution). An uploaded document
 * is hostile input: it is checked here before any of it is read, and the answer names each path.
 *
 * The schema has no $id and uses non-standard keywords, hence `strict: false` (server/data/hsds/README.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FieldError } from '../platform/http/problem.js';

export const hsdsSchemaPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../data/hsds/3.0/compiled/service_with_definitions.json',
);

const SERVICE_SCHEMA = 'hsds-3.0-service';
/** Upper bounds that keep one import within what one transaction and one preview can show. */
export const HSDS_MAX_SERVICES = 2000;
const MAX_REPORTED_ERRORS = 50;

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

let validators: {
  document: ValidateFunction;
  service: ValidateFunction;
  organization: ValidateFunction;
  location: ValidateFunction;
} | null = null;

function compileValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(JSON.parse(readFileSync(hsdsSchemaPath, 'utf8')) as object, SERVICE_SCHEMA);
  const definition = (name: string) => ({ $ref: `${SERVICE_SCHEMA}#/definitions/${name}` });
  const list = (items: object, maxItems: number) => ({ type: 'array', maxItems, items });
  // Our envelope (hsds.mapping.ts): only `services` is required; the lists it points into are optional.
  const documentSchema = {
    type: 'object',
    required: ['services'],
    properties: {
      hsds_version: { type: 'string', pattern: '^3\\.' },
      taxonomies: list(definition('taxonomy'), 100),
      taxonomy_terms: list(definition('taxonomy_term'), 10_000),
      organizations: list(definition('organization'), HSDS_MAX_SERVICES),
      locations: list(definition('location'), HSDS_MAX_SERVICES * 2),
      services: { ...list({ $ref: SERVICE_SCHEMA }, HSDS_MAX_SERVICES), minItems: 1 },
    },
  };
  return {
    document: ajv.compile(documentSchema),
    service: ajv.getSchema(SERVICE_SCHEMA)!,
    organization: ajv.compile(definition('organization')),
    location: ajv.compile(definition('location')),
  };
}

/** Compiled once, on first use, so that the app starts without reading the schema. */
export function hsdsValidators() {
  validators ??= compileValidators();
  return validators;
}

export type HsdsSchemaError = { path: string; keyword: string; message: string };

function toSchemaErrors(errors: ErrorObject[] | null | undefined): HsdsSchemaError[] {
  return (errors ?? []).map((e) => ({
    path: e.instancePath === '' ? '(document)' : e.instancePath.slice(1).replaceAll('/', '.'),
    keyword: e.keyword,
    message:
      e.keyword === 'required'
        ? `missing ${String((e.params as { missingProperty?: string }).missingProperty)}`
        : (e.message ?? e.keyword),
  }));
}

/** Errors of the whole document against the envelope and the official schema; [] when valid. */
export function validateHsdsDocument(document: unknown): HsdsSchemaError[] {
  const { document: validate } = hsdsValidators();
  return validate(document) ? [] : toSchemaErrors(validate.errors);
}

/** One object against its official definition; for the tests and for diagnosing a partner's file. */
export function validateHsdsObject(kind: 'service' | 'organization' | 'location', value: unknown): HsdsSchemaError[] {
  const validate = hsdsValidators()[kind];
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
