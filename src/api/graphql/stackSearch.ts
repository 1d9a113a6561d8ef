import { InvalidInputError } from '../../platform/errors';
import type { Stack } from '../../stacks/service';
import type { GraphQLContext } from './context';
import { readableStacks } from './guard';
import type { QueryPredicate, SearchInput, StackState } from './types.generated';

/** The most stacks one page holds, and what a page holds when `first` is not given. */
const PAGE_SIZE = 50;

interface Row {
  stack: Stack;
  state: StackState;
}

/** What a predicate's field is, for a stack: the values it may equal. */
const FIELDS: Record<string, (row: Row) => Array<string | boolean>> = {
  administrative: ({ stack }) => [stack.administrative],
  branch: ({ stack }) => [stack.branch],
  commit: ({ stack }) => (stack.trackedCommit ? [stack.trackedCommit.hash] : []),
  label: ({ stack }) => stack.labels,
  locked: ({ stack }) => [stack.lockedBy !== null],
  name: ({ stack }) => [stack.name],
  projectRoot: ({ stack }) => [stack.projectRoot ?? ''],
  repository: ({ stack }) => repositoryNames(stack),
  state: ({ state }) => [state],
  vendor: () => ['TERRAFORM'],
  workerPool: () => [],
};

/** The fields the order may follow, as comparable values. */
const ORDERS: Record<string, (row: Row) => string | number> = {
  id: ({ stack }) => stack.id,
  name: ({ stack }) => stack.name.toLowerCase(),
  createdAt: ({ stack }) => stack.createdAt.getTime(),
  branch: ({ stack }) => stack.branch,
  repository: ({ stack }) => stack.repository.toLowerCase(),
  state: ({ state }) => state,
};

/**
 * searchStacks: the stacks the caller may read that satisfy every predicate and contain the
 * full-text search, in the asked order (then by id), a page at a time. A cursor names the last
 * stack of a page by its place in the order, so a page stays right when stacks come and go.
 */
export async function searchStacks(context: GraphQLContext, input: SearchInput) {
  const first = input.first ?? PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_SIZE) {
    throw new InvalidInputError(`first must be a whole number from 1 to ${PAGE_SIZE}`);
  }
  const predicates = (input.predicates ?? []).map(predicateTest);
  const order = orderOf(input);
  const stacks = await readableStacks(context);
  const states = await Promise.all(
    stacks.map((stack) => context.loaders.stackState.load(stack.id)),
  );
  const text = input.fullTextSearch?.trim().toLowerCase();
  const rows = stacks
    .map((stack, index) => ({ stack, state: states[index]! }))
    .filter((row) => !text || searchableText(row.stack).includes(text))
    .filter((row) => predicates.every((holds) => holds(row)))
    .sort(order.compare);
  const after = input.after ? decodeCursor(input.after) : undefined;
  const start = after ? rows.findIndex((row) => order.compareToCursor(row, after) > 0) : 0;
  const remaining = start < 0 ? [] : rows.slice(start);
  const page = remaining.slice(0, first);
  const edges = page.map((row) => ({ cursor: order.cursorOf(row), node: row.stack }));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasNextPage: remaining.length > page.length,
      hasPreviousPage: start > 0,
    },
  };
}

/** What a repository predicate matches: the stored repository, and a git URL's path. */
function repositoryNames(stack: Stack): string[] {
  const names = [stack.repository.toLowerCase()];
  if (stack.provider === 'RAW_GIT') {
    // spacectl names a repository by its remote's path: `group/project` of any URL form.
    const path = /^(?:[a-z+]+:\/\/[^/]+\/|[^@/]+@[^:]+:)(.+?)(?:\.git)?\/?$/i.exec(
      stack.repository,
    );
    if (path?.[1]) names.push(path[1].toLowerCase());
  }
  return names;
}

function searchableText(stack: Stack): string {
  return [
    stack.id,
    stack.name,
    stack.description ?? '',
    stack.repository,
    stack.branch,
    ...stack.labels,
  ]
    .join('\n')
    .toLowerCase();
}

function predicateTest(predicate: QueryPredicate): (row: Row) => boolean {
  const field = FIELDS[predicate.field];
  if (!field) {
    throw new InvalidInputError(
      `stacks cannot be searched by "${predicate.field}"; use one of ${Object.keys(FIELDS).join(', ')}`,
    );
  }
  const { booleanEquals, enumEquals, stringMatches } = predicate.constraint;
  const wanted: Array<string | boolean> = [
    ...(booleanEquals ?? []),
    ...(enumEquals ?? []),
    ...(stringMatches ?? []),
  ];
  const caseless = predicate.field === 'repository';
  const values = new Set(
    wanted.map((value) => (caseless && typeof value === 'string' ? value.toLowerCase() : value)),
  );
  return (row) => field(row).some((value) => values.has(value)) !== Boolean(predicate.exclude);
}

interface Cursor {
  key: string | number;
  id: string;
}

function orderOf(input: SearchInput) {
  const field = input.orderBy?.field ?? 'id';
  const keyOf = ORDERS[field];
  if (!keyOf) {
    throw new InvalidInputError(
      `stacks cannot be ordered by "${field}"; use one of ${Object.keys(ORDERS).join(', ')}`,
    );
  }
  const sign = input.orderBy?.direction === 'DESC' ? -1 : 1;
  const compareKeys = (a: Cursor, b: Cursor) =>
    sign * (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cursorKey = (row: Row): Cursor => ({ key: keyOf(row), id: row.stack.id });
  return {
    compare: (a: Row, b: Row) => compareKeys(cursorKey(a), cursorKey(b)),
    compareToCursor: (row: Row, cursor: Cursor) => compareKeys(cursorKey(row), cursor),
    cursorOf: (row: Row) => Buffer.from(JSON.stringify(cursorKey(row))).toString('base64url'),
  };
}

function decodeCursor(cursor: string): Cursor {
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
    if (
      (typeof decoded.key === 'string' || typeof decoded.key === 'number') &&
      typeof decoded.id === 'string'
    ) {
      return decoded;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidInputError(
    `"${cursor}" is not a cursor of this search; pass the endCursor of the previous page`,
  );
}
