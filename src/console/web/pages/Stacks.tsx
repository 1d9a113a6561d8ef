import { useDeferredValue } from 'react';
import { Link, useLoaderData, useSearchParams, type LoaderFunctionArgs } from 'react-router';
import { graphql } from '../api/graphql';
import { loadOrSignIn } from '../api/routing';
import type { Run, Stack } from '../api/schema.generated';
import { Labels } from '../components/Labels';
import { Empty } from '../components/Notice';
import { StackMarks } from '../components/StackMarks';
import { StateBadge } from '../components/StateBadge';
import { Time } from '../components/Time';

type StackRow = Pick<
  Stack,
  'id' | 'name' | 'description' | 'labels' | 'state' | 'lockedBy' | 'isDisabled' | 'deleting'
> & {
  spaceDetails: Pick<Stack['spaceDetails'], 'name'>;
  runs: Array<Pick<Run, 'id' | 'state' | 'title' | 'createdAt'>>;
};

// A stack's runs come 50 a page; the newest is the first.
const STACKS_QUERY = `query ConsoleStacks {
  stacks {
    id name description labels state lockedBy isDisabled deleting
    spaceDetails { name }
    runs { id state title createdAt }
  }
}`;

export function stacksLoader({ request }: LoaderFunctionArgs) {
  return loadOrSignIn(request, async () => {
    const { stacks } = await graphql<{ stacks: StackRow[] }>(STACKS_QUERY);
    return stacks.sort((a, b) => a.name.localeCompare(b.name));
  });
}

function matches(stack: StackRow, words: string[]): boolean {
  const haystack = [stack.id, stack.name, ...stack.labels].join('\n').toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** The stacks the person may read, with their state and their latest tracked run. */
export function StacksPage() {
  const stacks = useLoaderData<StackRow[]>();
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.get('q') ?? '';
  const deferred = useDeferredValue(query);
  const words = deferred.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = stacks.filter((stack) => matches(stack, words));

  return (
    <section className="page" aria-labelledby="stacks-title">
      <title>Stacks · Gantry</title>
      <div className="page-header">
        <h1 id="stacks-title">Stacks</h1>
        <div className="search">
          <label htmlFor="stack-search">Search stacks</label>
          <input
            id="stack-search"
            type="search"
            value={query}
            placeholder="Name, id or label"
            autoComplete="off"
            onChange={(event) => {
              const value = event.target.value;
              // The search is part of the address (shareable, kept by Back), one entry per visit.
              setSearchParams(value ? { q: value } : {}, { replace: true });
            }}
          />
        </div>
      </div>
      <p className="muted" role="status">
        {words.length > 0
          ? `${shown.length} of ${stacks.length} stacks match`
          : `${stacks.length} ${stacks.length === 1 ? 'stack' : 'stacks'}`}
      </p>
      {stacks.length === 0 ? (
        <Empty>
          No stacks you may read. Stacks are created through the API (<code>stackCreate</code>); an
          admin can give your teams access to existing ones.
        </Empty>
      ) : shown.length === 0 ? (
        <Empty>No stack matches “{deferred}”. Search by name, id or label.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="cards-on-phone">
            <caption className="visually-hidden">Stacks</caption>
            <thead>
              <tr>
                <th scope="col">Stack</th>
                <th scope="col">State</th>
                <th scope="col">Latest run</th>
                <th scope="col">Labels</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((stack) => (
                <StackRowView key={stack.id} stack={stack} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function StackRowView({ stack }: { stack: StackRow }) {
  const latest = stack.runs[0];
  return (
    <tr>
      <th scope="row" data-label="Stack">
        <Link to={`/stack/${encodeURIComponent(stack.id)}`} className="strong-link">
          {stack.name}
        </Link>
        <div className="muted small">
          <code>{stack.id}</code> · {stack.spaceDetails.name}
        </div>
        <StackMarks stack={stack} />
      </th>
      <td data-label="State">
        <StateBadge state={stack.state} />
      </td>
      <td data-label="Latest run">
        {latest ? (
          <div className="latest-run">
            <StateBadge state={latest.state} />{' '}
            <Link to={`/stack/${encodeURIComponent(stack.id)}/run/${latest.id}`}>
              {latest.title || latest.id}
            </Link>
            <div className="muted small">
              <Time unix={latest.createdAt} />
            </div>
          </div>
        ) : (
          <span className="muted">No runs yet</span>
        )}
      </td>
      <td data-label="Labels">
        <Labels labels={stack.labels} />
      </td>
    </tr>
  );
}
