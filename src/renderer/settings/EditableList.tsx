import type { ReactNode } from 'react';

/**
 * The list of records of a Paramètres tab (services, complementary fields…): one row each, its name as the row's
 * header, and « Modifier » opening it in the form below; the row being edited is marked for assistive technologies.
 */

export interface ListColumn<T> {
  header: string;
  cell(row: T): ReactNode;
}

export function EditableList<T extends { id: number }>({
  caption,
  rows,
  name,
  columns,
  editing,
  onEdit,
}: {
  caption: string;
  rows: readonly T[];
  /** The row's name: its header cell, and the « Modifier … » button's accessible name. */
  name(row: T): string;
  columns: readonly ListColumn<T>[];
  editing: number | 'new' | null;
  onEdit(id: number): void;
}) {
  return (
    <div className="table-scroll">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column.header}>
                {column.header}
              </th>
            ))}
            <th scope="col">
              <span className="visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} aria-current={row.id === editing ? 'true' : undefined}>
              {columns.map((column, index) =>
                index === 0 ? (
                  <th scope="row" key={column.header}>
                    {column.cell(row)}
                  </th>
                ) : (
                  <td key={column.header}>{column.cell(row)}</td>
                ),
              )}
              <td>
                <button type="button" className="button small" aria-label={`Modifier ${name(row)}`} onClick={() => onEdit(row.id)}>
                  Modifier
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `list` with `saved` in place of the record of the same id, or added at the end. */
export function withSaved<T extends { id: number }>(list: readonly T[] | null, saved: T): T[] {
  const current = list ?? [];
  return current.some((row) => row.id === saved.id) ? current.map((row) => (row.id === saved.id ? saved : row)) : [...current, saved];
}
