import { Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export type Column<T> = { key: string; header: string; cell: (row: T) => ReactNode; isRowHeader?: boolean };

type DataTableProps<T> = {
  caption: string;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  emptyText?: string;
};

/** A table with a caption, column headers and (optionally) a row header; scrolls sideways on narrow screens. */
export function DataTable<T>({ caption, columns, rows, rowKey, emptyText }: DataTableProps<T>) {
  const { t } = useTranslation();
  if (rows.length === 0) {
    return (
      <Text c="dimmed" my="md">
        {emptyText ?? t('common.noResults')}
      </Text>
    );
  }
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
