import { Table, Text, useMantineTheme, type MantineBreakpoint } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export type Column<T> = {
  key: string;
  header: string;
  cell: (row: T) => ReactNode;
  /** The cell that names the row: a row header in the table, the card's title when stacked. */
  isRowHeader?: boolean;
  /** The row's buttons or links: in a card they come last, without a label, always in view. */
  isAction?: boolean;
  /** Long content (lists, reasons, free text): in a card the label goes above the value, full width. */
  isWide?: boolean;
  /** The row header's value says little alone (a row number): the card's title shows "header: value". */
  isTitleLabelled?: boolean;
};

type DataTableProps<T> = {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  emptyText?: string;
  /**
   * Below this breakpoint each row becomes a card of "label: value" pairs with its actions in view,
   * instead of a table that scrolls sideways. For tables whose rows a person acts on or reads one by
   * one; a matrix meant to be compared across (a log, a chart's table) stays a table.
   */
  stackBelow?: MantineBreakpoint;
};

/**
 * A table with a caption, column headers and (optionally) a row header; scrolls sideways on narrow
 * screens, or (stackBelow) becomes a list of cards there.
 */
export function DataTable<T>({ caption, columns, rows, rowKey, emptyText, stackBelow }: DataTableProps<T>) {
  const { t } = useTranslation();
  const theme = useMantineTheme();
  // Read synchronously on the first render, so a phone never shows the wide table first.
  const isStacked = useMediaQuery(stackBelow ? `(width < ${theme.breakpoints[stackBelow]})` : 'not all', false, {
    getInitialValueInEffect: false,
  });
  if (rows.length === 0) {
    return (
      <Text c="dimmed" my="md">
        {emptyText ?? t('common.noResults')}
      </Text>
    );
  }
  if (isStacked) return <DataCards caption={caption} columns={columns} rows={rows} rowKey={rowKey} />;
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
      <Table striped highlightOnHover verticalSpacing="xs" captionSide="top">
        <Table.Caption style={{ textAlign: 'left', fontWeight: 600 }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th key={column.key} scope="col">
                {column.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)}>
              {columns.map((column) =>
                column.isRowHeader ? (
                  <Table.Th key={column.key} scope="row" fw={400}>
                    {column.cell(row)}
                  </Table.Th>
                ) : (
                  <Table.Td key={column.key}>{column.cell(row)}</Table.Td>
                ),
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}

/** Nothing to show, or the tables' "–" for nothing. */
function isEmpty(value: ReactNode): boolean {
  return value === null || value === undefined || value === false || value === '' || value === '–';
}

/** The narrow-screen form: a named region with one list item per row, pairs in a description list. */
function DataCards<T>({
  caption,
  columns,
  rows,
  rowKey,
}: Pick<DataTableProps<T>, 'caption' | 'columns' | 'rows' | 'rowKey'>) {
  const captionId = useId();
  const title = columns.find((column) => column.isRowHeader);
  const pairs = columns.filter((column) => !column.isRowHeader && !column.isAction);
  const actions = columns.filter((column) => column.isAction);
  return (
    <section className="data-cards" aria-labelledby={captionId}>
      <Text id={captionId} fw={600} mb="xs">
        {caption}
      </Text>
      <ul className="data-cards-list">
        {rows.map((row) => (
          <li key={rowKey(row)} className="data-card">
            {title && (
              <div className="data-card-title">
                {title.isTitleLabelled ? `${title.header}: ` : null}
                {title.cell(row)}
              </div>
            )}
            {pairs.length > 0 && (
              <dl className="data-card-pairs">
                {pairs.map((column) => {
                  const value = column.cell(row);
                  // An empty cell is left out of the card: a phone shows only what the row says.
                  if (isEmpty(value)) return null;
                  return (
                    <div key={column.key} className={column.isWide ? 'data-card-pair is-wide' : 'data-card-pair'}>
                      <dt>{column.header}</dt>
                      <dd>{value}</dd>
                    </div>
                  );
                })}
              </dl>
            )}
            {actions.map((column) => {
              const value = column.cell(row);
              return isEmpty(value) ? null : (
                <div key={column.key} className="data-card-actions">
                  {value}
                </div>
              );
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
