import { InvalidInputError } from '../../platform/errors';
import type { Policy } from '../../policy/service';
import type { Stack } from '../../stacks/service';
import type { GraphQLContext } from './context';
import { isAdminIn, readableStacks, requireSomeAdmin } from './guard';
import type { QueryPredicate, SearchInput, StackState } from './types.generated';

/** The most items one page holds, and what a page holds when `first` is not given. */
const PAGE_SIZE = 50;

/** How one kind of item is searched: what its predicates and orders read, and its text. */
interface Searchable<Row> {
  kind: string;
  idOf(row: Row): string;
  /** What a predicate's field is, for an item: the values it may equal. */
  fields: Record<string, (row: Row) => Array<string | boolean>>;
  /** The fields the order may follow, as comparable values. */
  orders: Record<string, (row: Row) => string | number>;
  /** Fields compared without regard to case. */
  caseless?: string[];
  text(row: Row): string;
}

interface StackRow {
  stack: Stack;
  state: StackState;
}

const STACKS: Searchable<StackRow> = {
  kind: 'stacks',
  idOf: ({ stack }) => stack.id,
  fields: {
    administrative: ({ stack }) => [stack.administrative],
    branch: ({ stack }) => [stack.branch],
    commit: ({ stack }) => (stack.trackedCommit ? [stack.trackedCommit.hash] : []),
    label: ({ stack }) => stack.labels,
    locked: ({ stack }) => [stack.lockedBy !== null],
    name: ({ stack }) => [stack.name],
    projectRoot: ({ stack }) => [stack.projectRoot ?? ''],
    repository: ({ stack }) => repositoryNames(stack),
    space: ({ stack }) => [stack.space],
    state: ({ state }) => [state],
    vendor: () => ['TERRAFORM'],
    workerPool: ({ stack }) => (stack.workerPool ? [stack.workerPool] : []),
  },
  orders: {
    id: ({ stack }) => stack.id,
    name: ({ stack }) => stack.name.toLowerCase(),
    createdAt: ({ stack }) => stack.createdAt.getTime(),
    branch: ({ stack }) => stack.branch,
    repository: ({ stack }) => stack.repository.toLowerCase(),
    state: ({ state }) => state,
  },
  caseless: ['repository'],
  text: ({ stack }) =>
    [stack.id, stack.name, stack.description ?? '', stack.repository, stack.branch, ...stack.labels]
      .join('\n')
      .toLowerCase(),
};

const POLICIES: Searchable<Policy> = {
  kind: 'policies',
  idOf: (policy) => policy.id,
  fields: {
    name: (policy) => [policy.name],
    label: (policy) => policy.labels,
    space: (policy) => [policy.space],
    type: (policy) => [policy.type],
  },
  orders: {
    id: (policy) => policy.id,
    name: (policy) => policy.name.toLowerCase(),
    createdAt: (policy) => policy.createdAt.getTime(),
    updatedAt: (policy) => policy.updatedAt.getTime(),
  },
  text: (policy) =>
    [policy.id, policy.name, policy.description ?? '', ...policy.labels].join('\n').toLowerCase(),
};

/**
 * searchStacks: the stacks the caller may read that satisfy every predicate and contain the
 * full-text search, in the asked order (then by id), a page at a time.
 */
export async function searchStacks(context: GraphQLContext, input: SearchInput) {
  const stacks = await readableStacks(context);
  const states = await Promise.all(
    stacks.map((stack) => context.loaders.stackState.load(stack.id)),
  );
  const rows = stacks.map((stack, index) => ({ stack, state: states[index]!.state }));
  return paged(STACKS, rows, input, ({ stack }) => stack);
}

/** searchPolicies: the policies of the spaces the caller is an admin of, searched as stacks are. */
export async function searchPolicies(context: GraphQLContext, input: SearchInput) {
  const viewer = requireSomeAdmin(context);
  const policies = (await context.services.policies.list()).filter((policy) =>
    isAdminIn(viewer, policy.space),
  );
  return paged(POLICIES, policies, input, (policy) => policy);
}

/**
 * The page of `rows` the input asks for. A cursor names the last item of a page by its place
 * in the order, so the next page stays right when items come and go between the two.
 */
function paged<Row, Node>(
  searchable: Searchable<Row>,
  all: Row[],
  input: SearchInput,
  nodeOf: (row: Row) => Node,
) {
  const first = input.first ?? PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > PAGE_SIZE) {
    throw new InvalidInputError(`first must be a whole number from 1 to ${PAGE_SIZE}`);
  }
  const predicates = (input.predicates ?? []).map((predicate) =>
    predicateTest(searchable, predicate),
  );
  const order = orderOf(searchable, input);
  const text = input.fullTextSearch?.trim().toLowerCase();
  const rows = all
    .filter((row) => !text || searchable.text(row).includes(text))
    .filter((row) => predicates.every((holds) => holds(row)))
    .sort(order.compare);
  const after = input.after ? decodeCursor(input.after) : undefined;
  const start = after ? rows.findIndex((row) => order.compareToCursor(row, after) > 0) : 0;
  const remaining = start < 0 ? [] : rows.slice(start);
  const page = remaining.slice(0, first);
  const edges = page.map((row) => ({ cursor: order.cursorOf(row), node: nodeOf(row) }));
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
  if (stack.repositoryName) names.push(stack.repositoryName.toLowerCase());
  if (stack.provider === 'RAW_GIT') {
    // spacectl names a repository by its remote's path: `group/project` of any URL form.
    const path = /^(?:[a-z+]+:\/\/[^/]+\/|[^@/]+@[^:]+:)(.+?)(?:\.git)?\/?$/i.exec(
      stack.repository,
    );
    if (path?.[1]) names.push(path[1].toLowerCase());
  }
  return names;
}

function predicateTest<Row>(
  searchable: Searchable<Row>,
  predicate: QueryPredicate,
): (row: Row) => boolean {
  const field = searchable.fields[predicate.field];
  if (!field) {
    throw new InvalidInputError(
      `${searchable.kind} cannot be searched by "${predicate.field}"; use one of ${Object.keys(searchable.fields).join(', ')}`,
    );
  }
  const { booleanEquals, enumEquals, stringMatches } = predicate.constraint;
  const wanted: Array<string | boolean> = [
    ...(booleanEquals ?? []),
    ...(enumEquals ?? []),
    ...(stringMatches ?? []),
  ];
  const caseless = searchable.caseless?.includes(predicate.field) ?? false;
  const values = new Set(
    wanted.map((value) => (caseless && typeof value === 'string' ? value.toLowerCase() : value)),
  );
  return (row) => field(row).some((value) => values.has(value)) !== Boolean(predicate.exclude);
}

interface Cursor {
  key: string | number;
  id: string;
}

function orderOf<Row>(searchable: Searchable<Row>, input: SearchInput) {
  const field = input.orderBy?.field ?? 'id';
  const keyOf = searchable.orders[field];
  if (!keyOf) {
    throw new InvalidInputError(
      `${searchable.kind} cannot be ordered by "${field}"; use one of ${Object.keys(searchable.orders).join(', ')}`,
    );
  }
  const sign = input.orderBy?.direction === 'DESC' ? -1 : 1;
  const compareKeys = (a: Cursor, b: Cursor) =>
    sign * (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const cursorKey = (row: Row): Cursor => ({ key: keyOf(row), id: searchable.idOf(row) });
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
