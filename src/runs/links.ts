/**
 * Where a run is in Gantry: the link GitLab shows with its status, deployment and note, and
 * Slack in its message; the web console's page of the run.
 */
export function runUrl(publicUrl: string, stackId: string, runId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/stack/${encodeURIComponent(stackId)}/run/${encodeURIComponent(runId)}`;
}

/** The web console's page of a stack, with its runs. */
export function stackUrl(publicUrl: string, stackId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/stack/${encodeURIComponent(stackId)}`;
}
