import type { ReactNode } from 'react';
import type { ConfigElement } from '../api/schema.generated';
import { Empty } from './Notice';

export type ConfigEntry = Pick<
  ConfigElement,
  'id' | 'type' | 'value' | 'writeOnly' | 'description'
>;

const TYPE_NAMES: Record<string, string> = {
  ENVIRONMENT_VARIABLE: 'Environment variable',
  FILE_MOUNT: 'Mounted file',
};

/**
 * Config elements of a stack or a context. A write-only value never leaves the server (the API
 * answers null for it), so it is marked as such rather than shown.
 */
export function ConfigTable({
  entries,
  caption,
  actions,
}: {
  entries: readonly ConfigEntry[];
  caption: string;
  /** What may be done with each entry, such as deleting it. */
  actions?: (entry: ConfigEntry) => ReactNode;
}) {
  if (entries.length === 0) return <Empty>No config.</Empty>;
  return (
    <div className="table-wrap">
      <table className="cards-on-phone">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Value</th>
            <th scope="col">Description</th>
            {actions && (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <th scope="row" data-label="Name">
                <code>{entry.id}</code>
              </th>
              <td data-label="Type">{TYPE_NAMES[entry.type] ?? entry.type}</td>
              <td data-label="Value">
                {entry.writeOnly || entry.value === null ? (
                  <span className="muted">write-only</span>
                ) : (
                  <code className="value">{entry.value}</code>
                )}
              </td>
              <td data-label="Description">{entry.description ?? ''}</td>
              {actions && <td data-label="Actions">{actions(entry)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
