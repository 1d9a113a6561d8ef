import { csrfToken } from './session';

/** An error Gantry's API answered with: its message says what to do, `code` what kind it is. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The session ended, or there never was one: the person signs in again. */
export class SessionEndedError extends Error {
  constructor() {
    super('your session has ended: sign in again');
    this.name = 'SessionEndedError';
  }
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

/**
 * One GraphQL operation against Gantry's own API, with the session's cookie and its CSRF
 * header. Any error fails the whole operation: the console shows nothing half-answered.
 */
export async function graphql<T>(query: string, variables: object = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-gantry-csrf': csrfToken(),
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new ApiError('Gantry could not be reached: check your connection, then try again.');
  }
  if (response.status === 401) throw new SessionEndedError();
  let answer: GraphQLAnswer<T>;
  try {
    answer = (await response.json()) as GraphQLAnswer<T>;
  } catch {
    throw new ApiError(
      `Gantry answered ${response.status} without a GraphQL answer: try again in a moment; if it persists, the server's log says why.`,
    );
  }
  const errors = answer.errors ?? [];
  if (errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    throw new SessionEndedError();
  }
  if (errors.length > 0) {
    throw new ApiError(
      errors.map((error) => error.message).join('\n'),
      errors[0]?.extensions?.code,
    );
  }
  if (!answer.data) throw new ApiError('Gantry answered without data: try again in a moment.');
  return answer.data;
}

/** What an error says to the person who saw it fail. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
