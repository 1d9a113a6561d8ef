import { useId, useState, type FormEvent } from 'react';
import { useLoaderData, useRevalidator, type LoaderFunctionArgs } from 'react-router';
import { graphql } from '../../api/graphql';
import { loadOrSignIn } from '../../api/routing';
import type { ApiKey } from '../../api/schema.generated';
import { CopyButton } from '../../components/Copy';
import { ActionFailed, Empty, ErrorNotice } from '../../components/Notice';
import { Time } from '../../components/Time';
import { useAction } from '../../components/useAction';
import { formText } from '../../components/formText';

type KeyRow = Pick<ApiKey, 'id' | 'name' | 'admin' | 'teams' | 'createdAt' | 'lastUsedAt'>;

const CREATING = 'Creating the key';

const KEYS_QUERY = `query ConsoleApiKeys { apiKeys { id name admin teams createdAt lastUsedAt } }`;

export function apiKeysLoader({ request }: LoaderFunctionArgs) {
  return loadOrSignIn(request, async () => {
    const { apiKeys } = await graphql<{ apiKeys: KeyRow[] }>(KEYS_QUERY);
    return apiKeys;
  });
}

/** API keys: who may sign in as what. A key's secret is shown once, when it is made. */
export function ApiKeysPage() {
  const keys = useLoaderData<KeyRow[]>();
  const action = useAction();
  const revalidator = useRevalidator();
  const [created, setCreated] = useState<{ id: string; name: string; secret: string } | null>(null);
  const ids = useId();

  const create = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const teams = formText(values, 'teams')
      .split(/[\s,]+/)
      .filter(Boolean);
    void action.run(CREATING, async () => {
      const { apiKeyCreate } = await graphql<{
        apiKeyCreate: { id: string; name: string; secret: string | null };
      }>(
        `
          mutation ConsoleApiKeyCreate($input: ApiKeyInput!) {
            apiKeyCreate(input: $input) {
              id
              name
              secret
            }
          }
        `,
        {
          input: {
            name: formText(values, 'name').trim(),
            admin: values.get('admin') === 'on',
            teams,
          },
        },
      );
      setCreated({ ...apiKeyCreate, secret: apiKeyCreate.secret ?? '' });
      form.reset();
      await revalidator.revalidate();
    });
  };

  const remove = (key: KeyRow) => {
    if (
      !window.confirm(
        `Delete the API key “${key.name}”? Whoever uses it is signed out within the hour.`,
      )
    ) {
      return;
    }
    void action.run(`Deleting “${key.name}”`, async () => {
      await graphql(
        `
          mutation ConsoleApiKeyDelete($id: ID!) {
            apiKeyDelete(id: $id) {
              id
            }
          }
        `,
        {
          id: key.id,
        },
      );
      if (created?.id === key.id) setCreated(null);
      await revalidator.revalidate();
    });
  };

  return (
    <section className="page" aria-labelledby="keys-title">
      <title>API keys · Gantry</title>
      <h1 id="keys-title">API keys</h1>

      {created && (
        <div className="notice notice-success" role="status">
          <p className="notice-title">
            Key “{created.name}” is made. Copy its secret now: it is not shown again.
          </p>
          <dl className="facts facts-stacked">
            <div>
              <dt>API key ID</dt>
              <dd>
                <code className="value">{created.id}</code>{' '}
                <CopyButton text={created.id} label="API key ID" />
              </dd>
            </div>
            <div>
              <dt>API key secret</dt>
              <dd>
                <code className="value">{created.secret}</code>{' '}
                <CopyButton text={created.secret} label="API key secret" />
              </dd>
            </div>
          </dl>
        </div>
      )}

      <section className="section card" aria-labelledby={`${ids}-new`}>
        <h2 id={`${ids}-new`}>New key</h2>
        <form className="stack-form" onSubmit={create}>
          <div className="field">
            <label htmlFor={`${ids}-name`}>Name</label>
            <input id={`${ids}-name`} name="name" required placeholder="CI of the payments team" />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-teams`}>Teams</label>
            <input
              id={`${ids}-teams`}
              name="teams"
              spellCheck={false}
              autoCapitalize="none"
              aria-describedby={`${ids}-teams-hint`}
            />
            <p className="hint" id={`${ids}-teams-hint`}>
              Team slugs (GitLab group paths), separated by commas or spaces: the key reads and
              writes the stacks these teams may.
            </p>
          </div>
          <div className="field field-check">
            <input id={`${ids}-admin`} name="admin" type="checkbox" />
            <label htmlFor={`${ids}-admin`}>Admin: the key may do anything, everywhere</label>
          </div>
          {action.error?.action === CREATING && (
            <ErrorNotice title="The key was not made">
              <p className="pre-line">{action.error.message}</p>
            </ErrorNotice>
          )}
          <button
            type="submit"
            className="button button-primary"
            disabled={action.pending !== null}
          >
            Create key
          </button>
        </form>
      </section>

      <section className="section" aria-labelledby={`${ids}-list`}>
        <h2 id={`${ids}-list`}>Keys</h2>
        {action.error && action.error.action !== CREATING && <ActionFailed error={action.error} />}
        {keys.length === 0 ? (
          <Empty>No API keys yet.</Empty>
        ) : (
          <div className="table-wrap">
            <table className="cards-on-phone">
              <caption className="visually-hidden">API keys</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">ID</th>
                  <th scope="col">Access</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((key) => (
                  <tr key={key.id}>
                    <th scope="row" data-label="Name">
                      {key.name}
                    </th>
                    <td data-label="ID">
                      <code>{key.id}</code>
                    </td>
                    <td data-label="Access">
                      {key.admin ? <strong>Admin</strong> : null}
                      {key.admin && key.teams.length > 0 ? ', ' : null}
                      {key.teams.length > 0 ? (
                        key.teams.join(', ')
                      ) : key.admin ? null : (
                        <span className="muted">no teams</span>
                      )}
                    </td>
                    <td data-label="Created">
                      <Time unix={key.createdAt} />
                    </td>
                    <td data-label="Last used">
                      {key.lastUsedAt ? (
                        <Time unix={key.lastUsedAt} />
                      ) : (
                        <span className="muted">never</span>
                      )}
                    </td>
                    <td data-label="Actions">
                      <button
                        type="button"
                        className="button button-small button-danger"
                        disabled={action.pending !== null}
                        onClick={() => remove(key)}
                      >
                        Delete<span className="visually-hidden"> {key.name}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  );
}
