import { useId, type FormEvent } from 'react';
import { useLoaderData, useRevalidator, type LoaderFunctionArgs } from 'react-router';
import { graphql } from '../../api/graphql';
import { loadOrSignIn } from '../../api/routing';
import type { GitLabIntegration, SlackIntegration } from '../../api/schema.generated';
import { CopyButton, SecretValue } from '../../components/Copy';
import { Empty, ErrorNotice } from '../../components/Notice';
import { Time } from '../../components/Time';
import { useAction } from '../../components/useAction';
import { formText } from '../../components/formText';

interface IntegrationsData {
  gitlabIntegration:
    | (Pick<GitLabIntegration, 'apiHost' | 'webhookUrl' | 'webhookSecret' | 'oauthEnabled'> & {
        projectHooks: Array<{ project: string; createdAt: number }>;
      })
    | null;
  slackIntegration: Pick<SlackIntegration, 'configured' | 'missingSettings' | 'installUrl'> & {
    workspaces: Array<{
      teamId: string;
      teamName: string | null;
      installedAt: number;
      installedBy: string;
    }>;
  };
}

const INTEGRATIONS_QUERY = `query ConsoleIntegrations {
  gitlabIntegration {
    apiHost webhookUrl webhookSecret oauthEnabled
    projectHooks { project createdAt }
  }
  slackIntegration {
    configured missingSettings installUrl
    workspaces { teamId teamName installedAt installedBy }
  }
}`;

export function integrationsLoader({ request }: LoaderFunctionArgs) {
  return loadOrSignIn(request, () => graphql<IntegrationsData>(INTEGRATIONS_QUERY));
}

/** GitLab and Slack: what is set up, what is missing, and what to give them. */
export function IntegrationsPage() {
  const { gitlabIntegration: gitlab, slackIntegration: slack } = useLoaderData<IntegrationsData>();
  return (
    <section className="page" aria-labelledby="integrations-title">
      <title>Integrations · Gantry</title>
      <h1 id="integrations-title">Integrations</h1>

      <section className="section card" aria-labelledby="gitlab-title">
        <h2 id="gitlab-title">GitLab</h2>
        {gitlab ? (
          <>
            <p>
              <span className="badge badge-success">Connected</span> to{' '}
              <a href={gitlab.apiHost}>{gitlab.apiHost}</a>
            </p>
            <dl className="facts facts-stacked">
              <div>
                <dt>Webhook URL</dt>
                <dd>
                  <code className="value">{gitlab.webhookUrl}</code>{' '}
                  <CopyButton text={gitlab.webhookUrl} label="webhook URL" />
                  <p className="hint">
                    Set it as the webhook of each project of your stacks, for push and merge request
                    events.
                  </p>
                </dd>
              </div>
              <div>
                <dt>Webhook secret</dt>
                <dd>
                  <SecretValue secret={gitlab.webhookSecret} label="webhook secret" />
                  <p className="hint">
                    The webhook’s secret token, unless the project has its own.
                  </p>
                </dd>
              </div>
              <div>
                <dt>Sign-in with GitLab</dt>
                <dd>
                  {gitlab.oauthEnabled ? (
                    'Enabled: people sign in with their GitLab account.'
                  ) : (
                    <>
                      <strong>Missing:</strong> connect again with an OAuth application (its client
                      id and secret) so people can sign in with GitLab.
                    </>
                  )}
                </dd>
              </div>
            </dl>
            <h3>Projects with their own webhook secret</h3>
            {gitlab.projectHooks.length === 0 ? (
              <Empty>None: every project’s webhook uses the secret above.</Empty>
            ) : (
              <ul className="plain-list">
                {gitlab.projectHooks.map((hook) => (
                  <li key={hook.project}>
                    <code>{hook.project}</code>{' '}
                    <span className="muted small">
                      secret made <Time unix={hook.createdAt} />
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <details className="section">
              <summary>Connect again, with other settings</summary>
              <GitLabSetup />
            </details>
          </>
        ) : (
          <>
            <p>
              <span className="badge badge-neutral">Not connected</span> Stacks of GitLab projects
              cannot run, and nobody can sign in with GitLab, until Gantry is connected.
            </p>
            <GitLabSetup />
          </>
        )}
      </section>

      <section className="section card" aria-labelledby="slack-title">
        <h2 id="slack-title">Slack</h2>
        {slack.configured ? (
          <p>
            <span className="badge badge-success">Set up</span>{' '}
            <a href={slack.installUrl}>Install the app in a Slack workspace</a>
          </p>
        ) : (
          <>
            <p>
              <span className="badge badge-neutral">Not set up</span> Set these on Gantry’s server,
              then restart it:
            </p>
            <ul className="plain-list">
              {slack.missingSettings.map((setting) => (
                <li key={setting}>
                  <code>{setting}</code>
                </li>
              ))}
            </ul>
          </>
        )}
        <h3>Workspaces</h3>
        {slack.workspaces.length === 0 ? (
          <Empty>The app is installed in no workspace.</Empty>
        ) : (
          <ul className="plain-list">
            {slack.workspaces.map((workspace) => (
              <li key={workspace.teamId}>
                {workspace.teamName ?? workspace.teamId}{' '}
                <span className="muted small">
                  <code>{workspace.teamId}</code>, installed <Time unix={workspace.installedAt} />{' '}
                  by {workspace.installedBy}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

/** Connecting Gantry to a GitLab server, or again with other settings. */
function GitLabSetup() {
  const action = useAction();
  const revalidator = useRevalidator();
  const ids = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = new FormData(form);
    const field = (name: string) => formText(values, name).trim();
    void action.run('Connecting GitLab', async () => {
      await graphql(
        `
          mutation ConsoleGitLabSetup(
            $apiHost: String!
            $token: String!
            $oauthClientId: String
            $oauthClientSecret: String
          ) {
            gitlabIntegrationSetup(
              apiHost: $apiHost
              token: $token
              oauthClientId: $oauthClientId
              oauthClientSecret: $oauthClientSecret
            ) {
              apiHost
            }
          }
        `,
        {
          apiHost: field('apiHost'),
          token: field('token'),
          oauthClientId: field('oauthClientId') || null,
          oauthClientSecret: field('oauthClientSecret') || null,
        },
      );
      form.reset();
      await revalidator.revalidate();
    });
  };

  return (
    <form className="stack-form" onSubmit={submit} aria-label="Connect GitLab">
      <div className="field">
        <label htmlFor={`${ids}-host`}>GitLab URL</label>
        <input
          id={`${ids}-host`}
          name="apiHost"
          type="url"
          required
          placeholder="https://gitlab.example.com"
        />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-token`}>Access token</label>
        <input id={`${ids}-token`} name="token" type="password" required autoComplete="off" />
        <p className="hint">A token with the api scope; Gantry keeps it encrypted.</p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-client-id`}>OAuth application ID (optional)</label>
        <input id={`${ids}-client-id`} name="oauthClientId" autoComplete="off" />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-client-secret`}>OAuth application secret (optional)</label>
        <input
          id={`${ids}-client-secret`}
          name="oauthClientSecret"
          type="password"
          autoComplete="off"
        />
        <p className="hint">
          With an OAuth application people sign in with GitLab; its redirect URI is Gantry’s address
          followed by <code>/oauth/gitlab/callback</code>.
        </p>
      </div>
      {action.error && (
        <ErrorNotice title="GitLab is not connected">
          <p className="pre-line">{action.error.message}</p>
        </ErrorNotice>
      )}
      <button type="submit" className="button button-primary" disabled={action.pending !== null}>
        Connect GitLab
      </button>
    </form>
  );
}
