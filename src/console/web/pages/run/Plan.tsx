import { useEffect, useId, useState } from 'react';
import { graphql, messageOf } from '../../api/graphql';
import { useSignInOnSessionEnd } from '../../api/routing';
import type { RunResourceAttributeChange, RunResourceChange } from '../../api/schema.generated';
import { Empty, ErrorNotice, Loading } from '../../components/Notice';

type AttributeChange = Pick<
  RunResourceAttributeChange,
  'path' | 'before' | 'after' | 'sensitive' | 'unknownAfter'
>;

type ResourceChange = Pick<RunResourceChange, 'address' | 'previousAddress'> & {
  metadata: { type: string };
  attributeChanges: AttributeChange[];
};

const CHANGES_QUERY = `query ConsoleRunChanges($stack: ID!, $run: ID!) {
  stack(id: $stack) {
    run(id: $run) {
      changesV3(input: {}) {
        resources {
          address previousAddress
          metadata { type }
          attributeChanges { path before after sensitive unknownAfter }
        }
      }
    }
  }
}`;

const GROUPS = [
  { type: 'ADD', title: 'Add', className: 'change-add' },
  { type: 'CHANGE', title: 'Change', className: 'change-change' },
  { type: 'REPLACE', title: 'Replace', className: 'change-replace' },
  { type: 'DELETE', title: 'Delete', className: 'change-delete' },
] as const;

/**
 * What the run's plan changes, by kind of change, each resource opening to its attributes.
 * `planVersion` counts the plans the run has made (a targeted replan makes another): the
 * changes are read again when it grows.
 */
export function Plan({
  stackId,
  runId,
  planVersion,
  planning,
}: {
  stackId: string;
  runId: string;
  planVersion: number;
  /** Whether a plan is being made now, or is still to come. */
  planning: boolean;
}) {
  const [read, setRead] = useState<{
    version: number;
    resources?: ResourceChange[];
    error?: string;
  } | null>(null);
  const signInAgain = useSignInOnSessionEnd();

  useEffect(() => {
    if (planVersion === 0) return;
    let stopped = false;
    graphql<{
      stack: { run: { changesV3: Array<{ resources: ResourceChange[] }> } | null } | null;
    }>(CHANGES_QUERY, { stack: stackId, run: runId }).then(
      (answer) => {
        if (stopped) return;
        const resources = (answer.stack?.run?.changesV3 ?? []).flatMap((group) => group.resources);
        setRead({ version: planVersion, resources });
      },
      (error: unknown) => {
        if (stopped || signInAgain(error)) return;
        setRead({ version: planVersion, error: messageOf(error) });
      },
    );
    return () => {
      stopped = true;
    };
  }, [stackId, runId, planVersion, signInAgain]);

  if (planVersion === 0) {
    return planning ? (
      <Empty>The plan shows here once the run has planned.</Empty>
    ) : (
      <Empty>This run made no plan.</Empty>
    );
  }
  if (!read || read.version !== planVersion) return <Loading label="Loading the plan…" />;
  if (read.error !== undefined) {
    return (
      <ErrorNotice title="The plan could not be read">
        <p className="pre-line">{read.error}</p>
        <p>Reload the page to try again.</p>
      </ErrorNotice>
    );
  }
  const resources = read.resources ?? [];
  return (
    <>
      {planning && (
        <p className="hint" role="status">
          The run is planning again; this is its previous plan.
        </p>
      )}
      {resources.length === 0 ? (
        <Empty>No changes: the infrastructure matches the code.</Empty>
      ) : (
        <>
          <p className="plan-summary">
            {GROUPS.map((group) => {
              const count = resources.filter((r) => r.metadata.type === group.type).length;
              return (
                <span key={group.type} className={`plan-count ${group.className}`}>
                  {count} to {group.title.toLowerCase()}
                </span>
              );
            })}
          </p>
          {GROUPS.map((group) => (
            <ChangeGroup
              key={group.type}
              title={group.title}
              className={group.className}
              resources={resources.filter((r) => r.metadata.type === group.type)}
            />
          ))}
        </>
      )}
    </>
  );
}

function ChangeGroup({
  title,
  className,
  resources,
}: {
  title: string;
  className: string;
  resources: ResourceChange[];
}) {
  const headingId = useId();
  if (resources.length === 0) return null;
  return (
    <section className={`change-group ${className}`} aria-labelledby={headingId}>
      <h3 id={headingId}>
        {title} ({resources.length})
      </h3>
      <ul className="resources">
        {resources.map((resource) => (
          <Resource key={resource.address} resource={resource} />
        ))}
      </ul>
    </section>
  );
}

function Resource({ resource }: { resource: ResourceChange }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  return (
    <li className="resource">
      <button
        type="button"
        className="resource-toggle"
        aria-expanded={open}
        aria-controls={open ? detailsId : undefined}
        onClick={() => setOpen((shown) => !shown)}
      >
        <span className="chevron" aria-hidden="true" />
        <code>{resource.address}</code>
      </button>
      {resource.previousAddress && (
        <span className="muted small moved">
          moved from <code>{resource.previousAddress}</code>
        </span>
      )}
      {open && (
        <div id={detailsId} className="resource-details">
          <AttributeDiff changes={resource.attributeChanges} address={resource.address} />
        </div>
      )}
    </li>
  );
}

function AttributeDiff({ changes, address }: { changes: AttributeChange[]; address: string }) {
  if (changes.length === 0) {
    return <Empty>The plan names no attribute that changes.</Empty>;
  }
  return (
    <div className="table-wrap">
      <table className="diff cards-on-phone">
        <caption className="visually-hidden">Attributes of {address} that change</caption>
        <thead>
          <tr>
            <th scope="col">Attribute</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((change) => (
            <tr key={change.path}>
              <th scope="row" data-label="Attribute">
                <code>{change.path}</code>
              </th>
              <td data-label="Before" className="diff-before">
                {change.sensitive ? <Marker>(sensitive)</Marker> : <Value json={change.before} />}
              </td>
              <td data-label="After" className="diff-after">
                {change.sensitive ? (
                  <Marker>(sensitive)</Marker>
                ) : change.unknownAfter ? (
                  <Marker>(known after apply)</Marker>
                ) : (
                  <Value json={change.after} />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Marker({ children }: { children: string }) {
  return <span className="marker">{children}</span>;
}

/** A JSON value as the plan gives it: objects and lists laid out, anything else as written. */
function Value({ json }: { json: string | null }) {
  if (json === null) return <Marker>(none)</Marker>;
  return <pre className="value">{pretty(json)}</pre>;
}

function pretty(json: string): string {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : json;
  } catch {
    return json;
  }
}
