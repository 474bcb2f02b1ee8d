/**
 * The OpenAPI document's error side: every operation answers its errors as RFC 9457
 * problem+json (app.ts, setErrorHandler), so the document says so once per operation, with the
 * shared Problem schema as a component. Only the document changes: the error bodies themselves are
 * not run through a response serializer, so a documentation detail can never turn a 4xx into a 500.
 */
import { z } from 'zod';
import { Problem } from '../../../../shared/src/contracts/common.js';

type Operation = { responses?: Record<string, unknown> };
type OpenApiDocument = {
  paths?: Record<string, Record<string, Operation> | undefined>;
  components?: { schemas?: Record<string, unknown> } & Record<string, unknown>;
};

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

export function withProblemResponses<T extends object>(input: T): T {
  const document = input as OpenApiDocument;
  const schemas = { ...(document.components?.schemas ?? {}) };
  schemas.Problem = z.toJSONSchema(Problem, { target: 'openapi-3.0' });
  for (const operations of Object.values(document.paths ?? {})) {
    if (!operations) continue;
    for (const [method, operation] of Object.entries(operations)) {
      if (!HTTP_METHODS.has(method)) continue;
      operation.responses = {
        ...operation.responses,
        '4XX': problemResponse(
          'Client error (validation with the fields at fault, sign-in needed, forbidden, not found, conflict, too large, rate limited); messages in Polish and English',
        ),
        '5XX': problemResponse('Server error or service unavailable; the request id names it in the logs'),
      };
    }
  }
  return { ...document, components: { ...document.components, schemas } } as T;
}
