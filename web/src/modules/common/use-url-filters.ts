import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

/**
 * What a list page keeps in its address, key by key: free text, one of a contract's values (an
 * unknown value in a hand-edited address reads as "all"), or a yes/no switch.
 */
export type UrlFilterSpec = Record<string, 'text' | 'boolean' | readonly string[]>;

export type UrlFilterValues<S extends UrlFilterSpec> = {
  [K in keyof S]: S[K] extends readonly (infer V)[] ? V | '' : S[K] extends 'boolean' ? boolean : string;
};

/** What a control hands over: a select's string is checked against the list when read back. */
export type UrlFilterInput<S extends UrlFilterSpec> = {
  [K in keyof S]?: S[K] extends 'boolean' ? boolean : string | null;
};

type Raw = Record<string, string | null>;

function parseValue(kind: UrlFilterSpec[string], raw: string | null): string | boolean {
  if (kind === 'boolean') return raw === 'true';
  if (kind === 'text') return raw ?? '';
  return raw !== null && kind.includes(raw) ? raw : '';
}

function encodeValue(value: unknown): string | null {
  if (value === true) return 'true';
  if (value === false || value === '' || value === null || value === undefined) return null;
  return String(value);
}

/**
 * A list page's filters and page number, kept in the address so Back, a reload and a shared link
 * show the same list. Only filters about records go here, never anything about a person being
 * helped (the address ends up in history and server logs). Changing a filter goes back to page 1.
 */
export function useUrlFilters<S extends UrlFilterSpec>(spec: S) {
  const [params, setParams] = useSearchParams();
  // Router navigations run as transitions: keep what the user just chose until the address catches up.
  const [pending, setPending] = useState<Raw>({});
  useEffect(() => setPending({}), [params]);

  /** The address's value of a key, or what the user just chose: null when absent. */
  const read = (key: string): string | null => (key in pending ? (pending[key] ?? null) : params.get(key));
  const values = Object.fromEntries(
    Object.entries(spec).map(([key, kind]) => [key, parseValue(kind, read(key))]),
  ) as UrlFilterValues<S>;
  const page = Math.max(1, Number(read('page') ?? '1') || 1);

  const update = (changes: Raw, replace: boolean) => {
    setPending((previous) => ({ ...previous, ...changes }));
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const [key, value] of Object.entries(changes)) {
          if (value === null) next.delete(key);
          else next.set(key, value);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace },
    );
  };

  return {
    values,
    page,
    /** The raw address value (null when absent), for a filter whose absence means a default. */
    read,
    /** Sets some filters (empty or false removes them from the address) and goes back to page 1. */
    setFilters: (changes: UrlFilterInput<S>, options: { replace?: boolean } = {}) =>
      update(
        Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, encodeValue(value)])),
        options.replace ?? false,
      ),
    /** Sets a raw address value (null removes it), for a filter whose empty value is meaningful. */
    setRaw: (key: string, value: string | null) => update({ [key]: value }, false),
    setPage: (next: number) => update({ page: next > 1 ? String(next) : null }, false),
    hasFilters: [...params.keys()].some((key) => key !== 'page'),
    clear: () => {
      setPending({});
      setParams(new URLSearchParams());
    },
  };
}

/**
 * The text of a search box bound to a text filter: typing is immediate, the address follows 300 ms
 * later (replacing the entry, so Back does not step through every letter), and a change of the
 * address (Back, "clear filters") shows in the box.
 */
export function useUrlSearchText(current: string, commit: (text: string) => void): [string, (text: string) => void] {
  const [text, setText] = useState(current);
  const [debounced] = useDebouncedValue(text, 300);
  // The last value this box wrote: its echo from the address must not overwrite newer typing.
  const committed = useRef(current);
  useEffect(() => {
    const next = debounced.trim();
    if (next !== current) {
      committed.current = next;
      commit(next);
    }
    // Only the typed text drives this; the current address value is compared inside.
  }, [debounced]);
  useEffect(() => {
    if (current !== committed.current) {
      committed.current = current;
      setText(current);
    }
  }, [current]);
  return [text, setText];
}
