import type { ReactNode } from 'react';

export type DetailItem = { label: string; value: ReactNode };

/** Label/value pairs as a description list; empty values show a dash. */
export function DetailsList({ items }: { items: DetailItem[] }) {
  return (
    <dl className="details">
      {items.map((item) => (
        <div key={item.label} style={{ display: 'contents' }}>
          <dt>{item.label}</dt>
          <dd>{item.value === null || item.value === undefined || item.value === '' ? '–' : item.value}</dd>
        </div>
      ))}
    </dl>
  );
}
