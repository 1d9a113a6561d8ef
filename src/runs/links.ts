/**
 * Where a run is in Gantry: the link GitLab shows with its status, deployment and note, and
 * Slack in its message.
 */
export function runUrl(publicUrl: string, stackId: string, runId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/stack/${encodeURIComponent(stackId)}/run/${encodeURIComponent(runId)}`;
}

/**
 * Where a run's link leads: Gantry has no web UI of its own, so GraphiQL, with the run's
 * query ready.
 */
export function runGraphiqlPath(stackId: string, runId: string): string {
  return `/graphql?${new URLSearchParams({ query: runQuery(stackId, runId) }).toString()}`;
}

function runQuery(stackId: string, runId: string): string {
  return `# Add {"Authorization": "Bearer <token>"} in the headers tab below, then run the query.
query Run {
  stack(id: "${stackId}") {
    name
    run(id: "${runId}") {
      id
      type
      state
      branch
      commit { hash message authorName url }
      delta { addCount changeCount deleteCount addResources changeResources deleteResources }
      history { state timestamp note username }
    }
  }
}
`;
}

/**
 * Where a stack's link leads (spacectl's `stack open`): GraphiQL with the stack's query ready,
 * its state, the run holding it and its latest runs.
 */
export function stackGraphiqlPath(stackId: string): string {
  return `/graphql?${new URLSearchParams({ query: stackQuery(stackId) }).toString()}`;
}

function stackQuery(stackId: string): string {
  return `# Add {"Authorization": "Bearer <token>"} in the headers tab below, then run the query.
query Stack {
  stack(id: "${stackId}") {
    id
    name
    state
    branch
    repository
    lockedBy
    blocker { id type state }
    runs { id type state branch commit { hash message } createdAt }
  }
}
`;
}
