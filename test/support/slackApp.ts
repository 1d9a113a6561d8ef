import { randomBytes } from 'node:crypto';
import type { SlackSettings } from '../../src/slack/settings';
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

/**
 * Installs Gantry's Slack app as a person does: GET /slack/install, Slack's authorize page
 * approving the scopes asked for, and Slack sending the browser back to the callback.
 */
export async function installSlackApp(
  apiUrl: string,
  slack: SlackServer,
  options: { team: SlackWorkspaceRecord; user: SlackUserRecord },
): Promise<void> {
  const start = await fetch(`${apiUrl}/slack/install`, { redirect: 'manual' });
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
  const done = await fetch(`${apiUrl}/slack/oauth/callback?${query.toString()}`, {
    headers: { cookie },
  });
  if (done.status !== 200) {
    throw new Error(`installing the Slack app: the callback answered ${done.status}`);
  }
}
