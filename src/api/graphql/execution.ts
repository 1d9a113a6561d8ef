import {
  execute,
  GraphQLError,
  type ExecutionArgs,
  type ExecutionResult,
  type Source,
  type SourceLocation,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';

// Spacelift's clients send well under a hundred different documents; a compiled one takes
// about half a millisecond to make again.
const COMPILED_DOCUMENTS = 500;

/**
 * Executes operations as graphql-jit compiles them, each document once per handler (which has
 * one schema): on a list of thousands of runs, graphql-js's work for every field (its resolve
 * info, its arguments, completing its value) costs more than reading the rows. The answer is
 * the one graphql-js gives, and so are its errors: each is a graphql-js GraphQLError with the
 * error its resolver threw as `originalError`, for formatError to map to a code. A document
 * graphql-jit does not compile is executed by graphql-js.
 */
export function compiledExecution(): (args: ExecutionArgs) => Promise<ExecutionResult> {
  // A document graphql-jit refused is kept as refused, so that it is not compiled again.
  const compiled = new LRUCache<string, CompiledQuery | 'refused'>({
    max: COMPILED_DOCUMENTS,
  });
  return async (args) => {
    const source = args.document.loc?.source;
    if (!source) return execute(args);
    const key = `${args.operationName ?? ''}\n${source.body}`;
    let query = compiled.get(key);
    if (!query) {
      const made = compileQuery(args.schema, args.document, args.operationName ?? undefined);
      query = isCompiledQuery(made) ? made : 'refused';
      compiled.set(key, query);
    }
    if (query === 'refused') return execute(args);
    const result = await query.query(args.rootValue, args.contextValue, args.variableValues ?? {});
    if (!result.errors) return result;
    // Variables graphql-jit refused before executing anything: graphql-js says why in its words.
    if (result.data === undefined) return execute(args);
    // Errors first, as graphql-js answers.
    return {
      errors: result.errors.map((error) => asGraphQLJsError(error, source)),
      data: result.data,
    };
  };
}

/** graphql-jit's error as graphql-js makes it: located in the source, with its original error. */
function asGraphQLJsError(error: GraphQLError, source: Source): GraphQLError {
  if (error.constructor === GraphQLError) return error;
  return new GraphQLError(error.message, {
    source,
    ...(error.locations ? { positions: error.locations.map((at) => positionOf(source, at)) } : {}),
    ...(error.path ? { path: error.path } : {}),
    ...(error.originalError ? { originalError: error.originalError } : {}),
  });
}

/** The offset in the source of a line and column, as graphql-js counts them (from 1). */
function positionOf(source: Source, { line, column }: SourceLocation): number {
  const lineBreak = /\r\n|[\n\r]/g;
  let lineStart = 0;
  for (let current = 1; current < line; current += 1) {
    const found = lineBreak.exec(source.body);
    if (!found) break;
    lineStart = found.index + found[0].length;
  }
  return lineStart + column - 1;
}
