/**
 * The one way the web client talks to the API: same-origin cookies, the CSRF token on every
 * state-changing request, and RFC 9457 problem+json turned into an ApiError. The CSRF token lives in
 * memory only (docs/security.md §25: nothing personal or secret in browser storage).
 */
import type { z } from 'zod';
import { Problem } from '../../../shared/src/contracts/common';

export const API_BASE = '/api/v1';

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Remembers the CSRF token from Me or LoginResult; null at sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** The app registers what happens when the session is gone (401): back to sign-in. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

/** An error answered by the API (problem+json) or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.title);
    this.status = status;
    this.problem = problem;
  }
  get code(): string {
    return this.problem.code;
  }
}

function fallbackProblem(status: number, requestId: string | null): Problem {
  if (status === 0) {
    return {
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      code: 'network',
      messages: {
        pl: 'Brak połączenia z serwerem. Sprawdź połączenie i spróbuj ponownie.',
        en: 'Cannot reach the server. Check your connection and try again.',
      },
      requestId: requestId ?? '',
    };
  }
  return {
    type: 'about:blank',
    title: `HTTP ${status}`,
    status,
    code: status === 404 ? 'notFound' : status >= 500 ? 'internal' : 'badRequest',
    messages:
      status === 404
        ? { pl: 'Nie znaleziono.', en: 'Not found.' }
        : status >= 500
          ? {
              pl: 'Wystąpił błąd po stronie serwera. Zgłoś go, podając identyfikator żądania.',
              en: 'Something went wrong on the server. Report it with the request id.',
            }
          : { pl: 'Nieprawidłowe żądanie.', en: 'Bad request.' },
    requestId: requestId ?? '',
  };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | readonly string[] | null | undefined>;

export type RequestOptions<S extends z.ZodType> = {
  method?: Method;
  body?: unknown;
  query?: Query;
  /** Parses the response; the type of the result comes from the shared contract. */
  schema: S;
  /** Do not send the user to sign-in on 401 (sign-in itself, the first Me). */
  isAuthProbe?: boolean;
};

/** Builds `/api/v1/path?query` leaving out empty values. */
export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) params.append(key, item);
    else params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ''}`;
}

/** Calls the API and returns the response parsed with the contract's schema. */
export async function apiRequest<S extends z.ZodType>(path: string, options: RequestOptions<S>): Promise<z.output<S>> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, fallbackProblem(0, null));
  }
  const requestId = response.headers.get('x-request-id');
  const text = await response.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!response.ok) {
    const parsed = Problem.safeParse(json);
    const problem = parsed.success ? parsed.data : fallbackProblem(response.status, requestId);
    const error = new ApiError(response.status, problem);
    if (response.status === 401 && problem.code === 'unauthenticated' && !options.isAuthProbe) onUnauthenticated?.();
    throw error;
  }
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    // The server broke its contract: surface it rather than render half-understood data.
    console.error('Response does not match the contract', path, parsed.error.issues);
    throw new ApiError(500, {
      ...fallbackProblem(500, requestId),
      code: 'contract',
      messages: {
        pl: 'Odpowiedź serwera ma nieoczekiwany format. Zgłoś to administratorowi.',
        en: 'The server answered in an unexpected format. Report it to the administrator.',
      },
    });
  }
  return parsed.data;
}

/** A list query as the client sends it: the contract's filters with numeric paging. */
export type ListParams<T> = Omit<T, 'page' | 'pageSize'> & { page?: number; pageSize?: number };

/**
 * Sends a file as the raw request body (spreadsheet or JSON document) with the CSRF token and
 * reports upload progress (0-100). XMLHttpRequest because fetch has no upload progress.
 */
export function apiUpload<S extends z.ZodType>(
  path: string,
  options: { file: Blob; contentType: string; schema: S; onProgress?: (percent: number) => void },
): Promise<z.output<S>> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', apiUrl(path));
    request.withCredentials = true;
    request.setRequestHeader('content-type', options.contentType);
    request.setRequestHeader('accept', 'application/json');
    if (csrfToken) request.setRequestHeader('x-csrf-token', csrfToken);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(Math.round((event.loaded / event.total) * 100));
    };
    request.onerror = () => reject(new ApiError(0, fallbackProblem(0, null)));
    request.onload = () => {
      const requestId = request.getResponseHeader('x-request-id');
      let json: unknown;
      try {
        json = request.responseText ? JSON.parse(request.responseText) : null;
      } catch {
        json = null;
      }
      if (request.status < 200 || request.status >= 300) {
        const parsed = Problem.safeParse(json);
        const problem = parsed.success ? parsed.data : fallbackProblem(request.status, requestId);
        if (request.status === 401 && problem.code === 'unauthenticated') onUnauthenticated?.();
        reject(new ApiError(request.status, problem));
        return;
      }
      options.onProgress?.(100);
      const parsed = options.schema.safeParse(json);
      if (!parsed.success) {
        console.error('Response does not match the contract', path, parsed.error.issues);
        reject(new ApiError(500, { ...fallbackProblem(500, requestId), code: 'contract' }));
        return;
      }
      resolve(parsed.data);
    };
    request.send(options.file);
  });
}
