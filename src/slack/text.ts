/**
 * Text from outside Gantry (commit messages, branch and stack names, people's names, what was
 * typed after the slash command) as Slack shows it literally. Slack reads `&`, `<` and `>` as
 * markup, so `<!channel>` or `<https://evil|docs>` would ping or link; escaped, they are text.
 * Gantry never sets `link_names`, so a bare `@channel` stays text as well.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link in mrkdwn; neither the address nor the label can end the link early or add one. */
export function slackLink(url: string, label: string): string {
  return `<${escapeSlackText(url).replace(/\|/g, '%7C')}|${escapeSlackText(label).replace(/\|/g, '¦')}>`;
}
