import { randomBytes } from 'node:crypto';
import type { SlackSettings } from '../../src/slack/settings';
import type { ApiServer } from './api';
import type { SlackServer, SlackUserRecord, SlackWorkspaceRecord } from './slackServer';

/** The Slack app the tests register: its client credentials and signing secret. */
export const SLACK_APP = {
  clientId: '1234567890.0987654321',
  clientSecret: randomBytes(16).toString('hex'),
  signingSecret: randomBytes(16).toString('hex'),
};

/** Gantry's Slack settings for the app, against a local Slack server. */
export function slackSettings(slack: SlackServer): SlackSettings {
  return { ...SLACK_APP, apiUrl: slack.apiUrl, command: '/gantry' };
}

/** The install link an admin gets from the slackIntegration query. */
export async function adminInstallUrl(api: ApiServer): Promise<string> {
  const answer = await api.graphql<{ slackIntegration: { installUrl: string } }>(
    '{ slackIntegration { installUrl } }',
  );
  if (!answer.data) {
    throw new Error(`asking for the install link: ${JSON.stringify(answer.errors)}`);
  }
  return answer.data.slackIntegration.installUrl;
}

/**
 * Installs Gantry's Slack app as a person does: opening the install link an admin got from
 * the slackIntegration query, Slack's authorize page approving the scopes asked for, and Slack
 * sending the browser back to the callback.
 */
export async function installSlackApp(
  api: ApiServer,
  slack: SlackServer,
  options: { team: SlackWorkspaceRecord; user: SlackUserRecord },
): Promise<void> {
  const start = await fetch(await adminInstallUrl(api), { redirect: 'manual' });
  if (start.status !== 302) {
    throw new Error(`installing the Slack app: the install link answered ${start.status}`);
  }
  const location = new URL(start.headers.get('location')!);
  const cookie = start.headers
    .getSetCookie()
    .find((header) => header.startsWith('slack-app-oauth-state='))!
    .split(';')[0]!;
  const code = slack.authorize({
    clientId: SLACK_APP.clientId,
    teamId: options.team.id,
    userId: options.user.id,
    scopes: location.searchParams.get('scope')!.split(','),
    redirectUri: location.searchParams.get('redirect_uri')!,
  });
  const query = new URLSearchParams({ code, state: location.searchParams.get('state')! });
  const done = await fetch(`${api.url}/slack/oauth/callback?${query.toString()}`, {
    headers: { cookie },
  });
  if (done.status !== 200) {
    throw new Error(`installing the Slack app: the callback answered ${done.status}`);
  }
}
