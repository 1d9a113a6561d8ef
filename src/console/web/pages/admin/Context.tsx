import { useId, type FormEvent } from 'react';
import { Link, useLoaderData, useRevalidator, type LoaderFunctionArgs } from 'react-router';
import { ApiError, graphql } from '../../api/graphql';
import { loadOrSignIn, param } from '../../api/routing';
import type { Context, ContextHooks } from '../../api/schema.generated';
import { ConfigTable, type ConfigEntry } from '../../components/ConfigTable';
import { Labels } from '../../components/Labels';
import { ActionFailed, Empty, ErrorNotice } from '../../components/Notice';
import { useAction } from '../../components/useAction';
import { formText } from '../../components/formText';

type ContextView = Pick<Context, 'id' | 'name' | 'description' | 'labels' | 'space'> & {
  config: ConfigEntry[];
  attachedStacks: Array<{ id: string; stackId: string; stackName: string; priority: number }>;
  hooks: ContextHooks;
};

const HOOKS = [
  'beforeInit',
  'afterInit',
  'beforePlan',
  'afterPlan',
  'beforeApply',
  'afterApply',
  'beforePerform',
  'afterPerform',
  'beforeDestroy',
  'afterDestroy',
  'afterRun',
] as const satisfies ReadonlyArray<keyof ContextHooks>;

const ADDING = 'Adding the entry';

const CONTEXT_QUERY = `query ConsoleContext($id: ID!) {
  context(id: $id) {
    id name description labels space
    config { id type value writeOnly description }
    attachedStacks { id stackId stackName priority }
    hooks { ${HOOKS.join(' ')} }
  }
}`;

export function contextLoader({ request, params }: LoaderFunctionArgs) {
  const id = param(params, 'contextId');
  return loadOrSignIn(request, async () => {
    const { context } = await graphql<{ context: ContextView | null }>(CONTEXT_QUERY, { id });
    if (!context) {
      throw new ApiError(
        `There is no context "${id}" that you may read: check the address, or pick one from the contexts.`,
        'NOT_FOUND',
      );
    }
    return context;
  });
}

/** A context: its config entries (write-only values stay on the server), hooks and stacks. */
export function ContextPage() {
  const context = useLoaderData<ContextView>();
  const action = useAction();
  const revalidator = useRevalidator();
  const ids = useId();
  const hooks = HOOKS.filter((hook) => context.hooks[hook].length > 0);

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const field = (name: string) => formText(values, name);
    void action.run(ADDING, async () => {
      await graphql(
        `
          mutation ConsoleContextConfigAdd($context: ID!, $config: ConfigInput!) {
            contextConfigAdd(context: $context, config: $config) {
              id
            }
          }
        `,
        {
          context: context.id,
          config: {
            id: field('id').trim(),
            type: field('type'),
            value: field('value'),
            writeOnly: values.get('writeOnly') === 'on',
            description: field('description').trim() || null,
          },
        },
      );
      form.reset();
      await revalidator.revalidate();
    });
  };

  const remove = (entry: ConfigEntry) => {
    if (!window.confirm(`Delete ${entry.id} from context “${context.name}”?`)) return;
    void action.run(`Deleting ${entry.id}`, async () => {
      await graphql(
        `
          mutation ConsoleContextConfigDelete($context: ID!, $id: ID!) {
            contextConfigDelete(context: $context, id: $id) {
              id
            }
          }
        `,
        { context: context.id, id: entry.id },
      );
      await revalidator.revalidate();
    });
  };

  return (
    <article className="page" aria-labelledby="context-title">
      <title>{`${context.name} · Contexts · Gantry`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/admin/contexts">Contexts</Link>
          </li>
          <li aria-current="page">{context.name}</li>
        </ol>
      </nav>
      <h1 id="context-title">{context.name}</h1>
      <p className="muted">
        <code>{context.id}</code> · in {context.space}
      </p>
      {context.description && <p className="description">{context.description}</p>}
      <Labels labels={context.labels} />

      <section className="section" aria-labelledby={`${ids}-config`}>
        <h2 id={`${ids}-config`}>Config</h2>
        {action.error && action.error.action !== ADDING && <ActionFailed error={action.error} />}
        <ConfigTable
          entries={context.config}
          caption={`Config of ${context.name}`}
          actions={(entry) => (
            <button
              type="button"
              className="button button-small button-danger"
              disabled={action.pending !== null}
              onClick={() => remove(entry)}
            >
              Delete<span className="visually-hidden"> {entry.id}</span>
            </button>
          )}
        />
        <details className="section">
          <summary>Add config</summary>
          <form className="stack-form" onSubmit={add}>
            <div className="field">
              <label htmlFor={`${ids}-id`}>Name</label>
              <input
                id={`${ids}-id`}
                name="id"
                required
                spellCheck={false}
                autoCapitalize="none"
                className="mono"
                aria-describedby={`${ids}-id-hint`}
              />
              <p className="hint" id={`${ids}-id-hint`}>
                The environment variable’s name, or the mounted file’s path in the workspace.
              </p>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-type`}>Type</label>
              <select id={`${ids}-type`} name="type" defaultValue="ENVIRONMENT_VARIABLE">
                <option value="ENVIRONMENT_VARIABLE">Environment variable</option>
                <option value="FILE_MOUNT">Mounted file</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-value`}>Value</label>
              <textarea id={`${ids}-value`} name="value" rows={3} className="mono" />
            </div>
            <div className="field field-check">
              <input id={`${ids}-write-only`} name="writeOnly" type="checkbox" defaultChecked />
              <label htmlFor={`${ids}-write-only`}>
                Write-only: runs get the value, the API never shows it again
              </label>
            </div>
            <div className="field">
              <label htmlFor={`${ids}-description`}>Description (optional)</label>
              <input id={`${ids}-description`} name="description" />
            </div>
            {action.error?.action === ADDING && (
              <ErrorNotice title="The entry was not added">
                <p className="pre-line">{action.error.message}</p>
              </ErrorNotice>
            )}
            <button
              type="submit"
              className="button button-primary"
              disabled={action.pending !== null}
            >
              Add config
            </button>
          </form>
        </details>
      </section>

      <section className="section" aria-labelledby={`${ids}-hooks`}>
        <h2 id={`${ids}-hooks`}>Hooks</h2>
        {hooks.length === 0 ? (
          <Empty>No hooks.</Empty>
        ) : (
          <dl className="facts facts-stacked">
            {hooks.map((hook) => (
              <div key={hook}>
                <dt>{hook}</dt>
                <dd>
                  {context.hooks[hook].map((command, index) => (
                    <pre key={index} className="value">
                      {command}
                    </pre>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
        )}
      </section>

      <section className="section" aria-labelledby={`${ids}-stacks`}>
        <h2 id={`${ids}-stacks`}>Attached to</h2>
        {context.attachedStacks.length === 0 ? (
          <Empty>No stacks.</Empty>
        ) : (
          <ul className="plain-list">
            {context.attachedStacks.map((attachment) => (
              <li key={attachment.id}>
                <Link to={`/stack/${encodeURIComponent(attachment.stackId)}`}>
                  {attachment.stackName}
                </Link>{' '}
                <span className="muted small">priority {attachment.priority}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
