import { deltaText, type RunView } from '../runs/view';
import type { AttributeChange, ResourceChange } from '../runs/plan';
import { RunState, RunType } from '../runs/types';
import type { GitLabCommitState, GitLabDeploymentStatus } from './api';

const CANCELED_STATES: ReadonlySet<RunState> = new Set([
  RunState.DISCARDED,
  RunState.CANCELED,
  RunState.STOPPED,
]);

/** The commit status name of a stack: one status per stack on every commit it runs. */
export function commitStatusName(stackId: string): string {
  return `gantry/${stackId}`;
}

/**
 * The environment of a stack's tracked runs. The `gantry/` folder keeps Gantry's environments
 * apart from those a project's own CI deploys to, even for a stack called "production".
 */
export function environmentName(stackId: string): string {
  return `gantry/${stackId}`;
}

export function commitState(state: RunState): GitLabCommitState {
  if (state === RunState.QUEUED) return 'pending';
  if (state === RunState.FINISHED || state === RunState.PERFORMED) return 'success';
  if (state === RunState.FAILED) return 'failed';
  if (CANCELED_STATES.has(state)) return 'canceled';
  return 'running';
}

/**
 * The deployment status of a tracked run. A queued run has none yet: GitLab's API creates
 * deployments already running (or finished), so one appears when the run starts.
 */
export function deploymentStatus(state: RunState): GitLabDeploymentStatus | undefined {
  if (state === RunState.QUEUED) return undefined;
  const commit = commitState(state);
  return commit === 'pending' ? undefined : commit;
}

/** Orders statuses as a run moves: GitLab takes none of them backwards. */
export function progress(status: GitLabCommitState | GitLabDeploymentStatus): number {
  if (status === 'pending') return 0;
  if (status === 'running') return 1;
  return 2;
}

/**
 * The commit status's one line. GitLab keeps the description of a running status until the
 * next state, so a running one says no more than that.
 */
export function commitDescription(run: RunView): string {
  const state = commitState(run.state);
  if (state === 'pending') return 'queued';
  if (state === 'running') return 'running';
  const delta = run.delta ? ` ${deltaText(run.delta)}` : '';
  switch (run.state) {
    case RunState.FINISHED:
      if (!run.delta) return 'finished';
      return `${run.type === RunType.TRACKED ? 'applied' : 'planned'}${delta}`;
    case RunState.FAILED:
      return `failed${delta}`;
    default:
      return `${run.state.toLowerCase()}${delta}`;
  }
}

/** Marks the stack's note on a merge request, so Gantry can find it again. */
export function noteMarker(stackId: string): string {
  return `<!-- gantry:stack=${stackId} -->`;
}

/**
 * The stack's note on a merge request: the run's state, its delta and what it changes, with a
 * link to the run at `url`. `changes` are the plan's resources with the attributes that change
 * in them; without them (a plan stored before they were kept) the delta's addresses are listed.
 * Values are the user's data: they stay text (see codeSpan), sensitive ones are never shown, a
 * long resource is folded, and the note stops before GitLab's limit, saying so.
 */
export function noteBody(run: RunView, url: string, changes: ResourceChange[] = []): string {
  const note = new NoteWriter(MAX_NOTE_LENGTH - NOTE_RESERVE);
  note.add(
    noteMarker(run.stack.id),
    `**Gantry** · stack **${markdownText(run.stack.name)}** · [run ${run.id}](${url}) on \`${run.commit.hash.slice(0, 8)}\``,
    '',
    `State: **${run.state}**${run.delta ? ` · plan \`${deltaText(run.delta)}\`` : ''}`,
  );
  if (run.delta && changes.length > 0) {
    for (const [type, title] of CHANGE_TITLES) {
      resourceList(
        note,
        title,
        changes.filter((change) => change.type === type),
      );
    }
  } else if (run.delta) {
    addressList(note, 'To add', run.delta.addResources);
    addressList(note, 'To change', run.delta.changeResources);
    addressList(note, 'To delete', run.delta.deleteResources);
  }
  if (note.full)
    note.end(
      `_The note stops here: GitLab takes no longer notes. [See the whole plan in Gantry](${url})._`,
    );
  return `${note.text()}\n`;
}

// GitLab refuses notes over 1,000,000 characters; what closes a cut note fits in the reserve.
const MAX_NOTE_LENGTH = 1_000_000;
const NOTE_RESERVE = 1_000;
// A long plan would make a note nobody reads.
const MAX_RESOURCES_PER_LIST = 100;
// A value longer than this (a policy document, a script) is cut: the run shows it whole.
const MAX_VALUE_LENGTH = 1_000;
// A resource shows at most this many attributes, none longer than FOLD_VALUE_LENGTH, unfolded.
const UNFOLDED_ATTRIBUTES = 3;
const FOLD_VALUE_LENGTH = 80;

const CHANGE_TITLES: ReadonlyArray<[ResourceChange['type'], string]> = [
  ['ADD', 'To add'],
  ['CHANGE', 'To change'],
  ['REPLACE', 'To replace'],
  ['DELETE', 'To delete'],
];

/** The note's lines, up to a length; once one does not fit, none after it is taken. */
class NoteWriter {
  private readonly lines: string[] = [];
  private length = 0;
  full = false;

  constructor(private readonly limit: number) {}

  /** Adds the lines, all of them or, once the note is full, none. */
  add(...lines: string[]): boolean {
    const more = lines.reduce((sum, line) => sum + line.length + 1, 0);
    if (this.full || this.length + more > this.limit) {
      this.full = true;
      return false;
    }
    this.lines.push(...lines);
    this.length += more;
    return true;
  }

  /** Adds what closes the note, into the length it keeps in reserve. */
  end(...lines: string[]): void {
    this.lines.push('', ...lines);
  }

  text(): string {
    return this.lines.join('\n');
  }
}

function resourceList(note: NoteWriter, title: string, changes: ResourceChange[]): void {
  if (changes.length === 0) return;
  const shown = changes.slice(0, MAX_RESOURCES_PER_LIST);
  if (!note.add('', `**${title} (${changes.length})**`, '')) return;
  for (const change of shown) {
    if (!resourceItem(note, change)) return;
  }
  const more = changes.length - shown.length;
  if (more > 0) note.add(`- …and ${more} more`);
}

/** One resource and the attributes that change in it, folded when they are many or long. */
function resourceItem(note: NoteWriter, change: ResourceChange): boolean {
  const moved =
    change.previousAddress && change.previousAddress !== change.address
      ? ` (from ${codeSpan(change.previousAddress)})`
      : '';
  const attributes = change.attributes.map(attributeLine);
  const folded =
    change.attributes.length > UNFOLDED_ATTRIBUTES ||
    change.attributes.some(
      (attribute) =>
        (attribute.before?.length ?? 0) > FOLD_VALUE_LENGTH ||
        (attribute.after?.length ?? 0) > FOLD_VALUE_LENGTH,
    );
  if (!folded) {
    return note.add(
      `- ${codeSpan(change.address)}${moved}`,
      ...attributes.map((line) => `  ${line}`),
    );
  }
  // An HTML block: its summary is HTML, the list after the blank line markdown again.
  const count = `${change.attributes.length} attribute${change.attributes.length === 1 ? '' : 's'}`;
  if (
    !note.add(`<details><summary><code>${htmlText(change.address)}</code> · ${count}</summary>`, '')
  ) {
    return false;
  }
  for (const line of attributes) {
    if (!note.add(line)) {
      note.end('- …', '', '</details>');
      return false;
    }
  }
  return note.add('', '</details>', '');
}

function attributeLine(attribute: AttributeChange): string {
  const path = codeSpan(attribute.path);
  if (attribute.sensitive) return `- ${path}: _(sensitive)_`;
  const after = attribute.unknownAfter ? '_(known after apply)_' : valueText(attribute.after);
  return `- ${path}: ${valueText(attribute.before)} → ${after}`;
}

function valueText(value: string | null): string {
  if (value === null) return '_(none)_';
  if (value.length <= MAX_VALUE_LENGTH) return codeSpan(value);
  const more = value.length - MAX_VALUE_LENGTH;
  return `${codeSpan(value.slice(0, MAX_VALUE_LENGTH))} _…and ${more} more characters_`;
}

function addressList(note: NoteWriter, title: string, addresses: string[]): void {
  if (addresses.length === 0) return;
  const shown = addresses.slice(0, MAX_RESOURCES_PER_LIST);
  const more = addresses.length - shown.length;
  note.add(
    '',
    `**${title} (${addresses.length})**`,
    '',
    ...shown.map((address) => `- ${codeSpan(address)}`),
    ...(more > 0 ? [`- …and ${more} more`] : []),
  );
}

/**
 * The user's text as a markdown code span that nothing in it can end: the fence is one
 * backtick longer than any run of backticks inside, and line breaks and other control
 * characters, which would end the span's paragraph, are written as escapes.
 */
export function codeSpan(text: string): string {
  const flat = text.replace(
    /\p{Cc}/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a backtick at either end from joining the fence.
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

// A stack name is the user's text; in the note it stays text, never markup.
function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, (char) => `\\${char}`);
}

// Text inside HTML: markdown is not read there.
function htmlText(text: string): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .replace(
      /[&<>"']/g,
      (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!,
    );
}
