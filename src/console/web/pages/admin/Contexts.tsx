import { Link, useLoaderData, type LoaderFunctionArgs } from 'react-router';
import { graphql } from '../../api/graphql';
import { loadOrSignIn } from '../../api/routing';
import type { Context } from '../../api/schema.generated';
import { Labels } from '../../components/Labels';
import { Empty } from '../../components/Notice';

type ContextRow = Pick<Context, 'id' | 'name' | 'description' | 'labels' | 'space'> & {
  config: Array<{ id: string }>;
  attachedStacks: Array<{ id: string }>;
};

const CONTEXTS_QUERY = `query ConsoleContexts {
  contexts {
    id name description labels space
    config { id }
    attachedStacks { id }
  }
}`;

export function contextsLoader({ request }: LoaderFunctionArgs) {
  return loadOrSignIn(request, async () => {
    const { contexts } = await graphql<{ contexts: ContextRow[] }>(CONTEXTS_QUERY);
    return contexts.sort((a, b) => a.name.localeCompare(b.name));
  });
}

export function contextPath(id: string): string {
  return `/admin/contexts/${encodeURIComponent(id)}`;
}

/** Contexts: config and hooks shared by the stacks they are attached to. */
export function ContextsPage() {
  const contexts = useLoaderData<ContextRow[]>();
  return (
    <section className="page" aria-labelledby="contexts-title">
      <title>Contexts · Gantry</title>
      <h1 id="contexts-title">Contexts</h1>
      {contexts.length === 0 ? (
        <Empty>
          No contexts. Contexts are created through the API (<code>contextCreateV2</code>) and
          attached to stacks with <code>contextAttach</code>.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table className="cards-on-phone">
            <caption className="visually-hidden">Contexts</caption>
            <thead>
              <tr>
                <th scope="col">Context</th>
                <th scope="col">Space</th>
                <th scope="col">Config</th>
                <th scope="col">Attached to</th>
                <th scope="col">Labels</th>
              </tr>
            </thead>
            <tbody>
              {contexts.map((context) => (
                <tr key={context.id}>
                  <th scope="row" data-label="Context">
                    <Link to={contextPath(context.id)}>{context.name}</Link>
                    {context.description && (
                      <div className="muted small">{context.description}</div>
                    )}
                  </th>
                  <td data-label="Space">{context.space}</td>
                  <td data-label="Config">
                    {context.config.length} {context.config.length === 1 ? 'entry' : 'entries'}
                  </td>
                  <td data-label="Attached to">
                    {context.attachedStacks.length}{' '}
                    {context.attachedStacks.length === 1 ? 'stack' : 'stacks'}
                  </td>
                  <td data-label="Labels">
                    <Labels labels={context.labels} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
