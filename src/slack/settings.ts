/** The Slack app Gantry acts as, from the SLACK_* variables and GANTRY_SLACK_COMMAND. */
export interface SlackSettings {
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  signingSecret?: string | undefined;
  /** Where the Web API is, `https://slack.com/api/` unless SLACK_API_URL says otherwise. */
  apiUrl: string;
  /** The slash command, such as `/gantry`. */
  command: string;
}

/** Settings with every credential the /slack routes need. */
export type SlackApp = Required<{ [K in keyof SlackSettings]: NonNullable<SlackSettings[K]> }>;

/** The variables the Slack app still needs; all of them when Slack is not set up at all. */
export function missingSlackSettings(settings: SlackSettings | undefined): string[] {
  return [
    ['SLACK_CLIENT_ID', settings?.clientId],
    ['SLACK_CLIENT_SECRET', settings?.clientSecret],
    ['SLACK_SIGNING_SECRET', settings?.signingSecret],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name!);
}
