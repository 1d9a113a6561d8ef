import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import express, { type ErrorRequestHandler, type Request, type Router } from 'express';
import {
  buildSchema,
  GraphQLError,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type ValidationContext,
} from 'graphql';
import { createHandler } from 'graphql-http/lib/use/express';
import { documentCache } from './documents';
import { StackAccess } from '../../auth/access';
import { secretMatches } from '../../platform/secrets';
import { ADMIN_VIEWER, type Viewer } from '../../auth/viewer';
import { RunTokens } from '../../runs/tokens';
import { ROOT_SPACE } from '../../spaces/service';
import { isAdminIn } from './guard';
import type { Logger } from '../../platform/logger';
import { graphiqlRouter } from './graphiql';
import { inputProblem } from '../../platform/input';
import type { GraphQLContext } from './context';
import { listCostRule } from './cost';
import { errorCode } from './errors';
import { compiledExecution } from './execution';
import { createLoaders } from './loaders';
import { accountResolvers } from './account';
import { contextResolvers } from './contexts';
import { gitlabResolvers } from './gitlab';
import { unsupportedResolvers } from './unsupported';
import { runResolvers } from './runs';
import { policyResolvers } from './policies';
import { slackResolvers } from './slack';
import { spaceResolvers } from './spaces';
import { stackResolvers } from './stacks';
import { workerPoolResolvers } from './workerPools';
import { typeDefs } from './schema';
import type { ApiServices } from './services';
import { AuthenticationError } from '../../platform/errors';

export type { ApiServices } from './services';

// Generous for any real client (the deepest useful query is about 5 levels), small enough
// that one request cannot ask for the whole database many times over.
const MAX_DEPTH = 10;
const MAX_ALIASES = 20;
// About a row read per unit: a list counts as 20 items unless Gantry pages it, and a page of
// logs as a share of a query and its hundred lines. The costliest document Spacelift's clients
// send costs under 3,000; the logs of every run of every stack cost over 100,000.
const COST = {
  maxCost: 100_000,
  listSize: 20,
  listSizes: {
    'Stack.runs': 50,
    'Stack.tasks': 50,
    'Stack.proposedRuns': 50,
    'RunLogs.messages': 100,
  },
  fieldCosts: { 'Run.logs': 10 },
};

// The limits are reported as validation errors (a 400 answer), not thrown from validation.
const reportLimits = {
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) => context?.reportError(error),
  ],
};

/** The executable schema: the SDL with every resolver attached. */
export function createSchema(): GraphQLSchema {
  const schema = buildSchema(typeDefs);
  for (const resolvers of [
    stackResolvers,
    runResolvers,
    contextResolvers,
    accountResolvers,
    policyResolvers,
    slackResolvers,
    spaceResolvers,
    workerPoolResolvers,
    gitlabResolvers,
    unsupportedResolvers,
  ]) {
    for (const [typeName, fields] of Object.entries(resolvers as Record<string, object>)) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`resolvers for "${typeName}", not in the schema`);
      for (const [fieldName, resolve] of Object.entries(fields)) {
        const field = type.getFields()[fieldName];
        if (!field) throw new Error(`resolver for "${typeName}.${fieldName}", not in the schema`);
        field.resolve = resolve as GraphQLFieldResolver<unknown, GraphQLContext>;
      }
    }
  }
  return schema;
}

/**
 * POST /graphql: the API, for the admin token, JWTs from apiKeyUser and oauthUser, the web
 * console's sessions (with their CSRF header), and anonymous callers, who may only log in. GET /graphql: GraphiQL, for people.
 */
export function graphqlRouter(services: ApiServices, options: { maxBodyBytes: number }): Router {
  const schema = createSchema();
  const documents = documentCache();
  const logger = services.logger.child({ component: 'graphql' });
  const router = express.Router();
  router.use(graphiqlRouter());
  router.post(
    '/',
    express.json({ limit: options.maxBodyBytes }),
    refuseUnusable,
    createHandler<GraphQLContext>({
      schema,
      parse: documents.parse,
      validate: documents.validate,
      execute: compiledExecution(),
      context: async (req) => {
        try {
          return await contextFor(services, req.raw);
        } catch (error) {
          if (!(error instanceof AuthenticationError)) throw error;
          return [
            JSON.stringify({
              errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED' } }],
            }),
            {
              status: 401,
              statusText: 'Unauthorized',
              headers: {
                'content-type': 'application/json; charset=utf-8',
                'www-authenticate': 'Bearer realm="gantry"',
              },
            },
          ];
        }
      },
      validationRules: [
        maxDepthRule({ n: MAX_DEPTH, ...reportLimits }),
        listCostRule(COST),
        maxAliasesRule({ n: MAX_ALIASES, ...reportLimits }),
      ],
      formatError: (error) => formatError(error, logger),
    }),
  );
  router.use(bodyErrors(options.maxBodyBytes));
  return router;
}

/** A request Gantry could not use (see inputProblem) is refused whole, before it runs. */
const refuseUnusable: express.RequestHandler = (req, res, next) => {
  const problem = inputProblem(req.body);
  if (!problem) return next();
  res.status(400).json({
    errors: [
      { message: `the request was refused: ${problem}`, extensions: { code: 'BAD_USER_INPUT' } },
    ],
  });
};

async function contextFor(services: ApiServices, request: Request): Promise<GraphQLContext> {
  const authorization = request.headers.authorization;
  const loaders = createLoaders(services.db);
  if (!authorization && services.consoleSessions.presented(request)) {
    const session = await services.consoleSessions.viewerOf(request);
    services.consoleSessions.requireCsrf(request, session);
    const viewer = await services.apiKeys.current(session.viewer);
    return { viewer, access: accessOf(services, request, viewer), token: null, services, loaders };
  }
  if (!authorization) return { viewer: null, access: null, token: null, services, loaders };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) {
    throw new AuthenticationError('the Authorization header must be "Bearer <token>"');
  }
  const bearer = match[1]!;
  if (services.adminToken && secretMatches(bearer, services.adminToken)) {
    const access = new StackAccess(ADMIN_VIEWER, undefined, (stack) =>
      isAdminIn(ADMIN_VIEWER, stack.space),
    );
    return { viewer: ADMIN_VIEWER, access, token: null, services, loaders };
  }
  const { validUntil, ...viewer } = RunTokens.claimsRun(bearer)
    ? await runViewerOf(services, bearer)
    : await userOf(services, bearer);
  const access = accessOf(services, request, viewer);
  return { viewer, access, token: { jwt: bearer, validUntil }, services, loaders };
}

/** What `viewer` may do with stacks in this request, stack access policies included. */
function accessOf(services: ApiServices, request: Request, viewer: Viewer): StackAccess {
  const policy = services.access.forRequest({
    remoteIp: request.ip ?? request.socket.remoteAddress ?? '',
    timestampNs: Date.now() * 1e6,
  });
  return new StackAccess(viewer, policy, (stack) => isAdminIn(viewer, stack.space));
}

/**
 * The run a run's token stands for now, with the spaces an administrative stack's token is an
 * admin of, read once for the request.
 */
async function runViewerOf(services: ApiServices, jwt: string) {
  const viewer = await services.runTokens.viewerOf(jwt);
  const scope = viewer.spaceScope;
  if (!viewer.admin || scope === undefined || scope === ROOT_SPACE) return viewer;
  return { ...viewer, spacesInScope: new Set((await services.spaces.tree()).within(scope)) };
}

/** The person or API key a JWT from apiKeyUser or oauthUser stands for now. */
async function userOf(services: ApiServices, jwt: string) {
  const { validUntil, ...claims } = await services.tokens.verify(jwt);
  // An API key's token speaks for the key as it is now: deleted, it speaks for nobody.
  return { ...(await services.apiKeys.current(claims)), validUntil };
}

/**
 * Every error carries extensions.code. Errors of Gantry's own kinds say what to do and go to
 * the caller as they are; anything else is logged and answered without its details.
 */
function formatError(error: Readonly<Error>, logger: Logger): GraphQLError {
  if (!(error instanceof GraphQLError)) {
    return new GraphQLError(error.message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  if (error.extensions.code) return error;
  const answer = (message: string, code: string) =>
    new GraphQLError(message, {
      ...(error.nodes ? { nodes: error.nodes } : {}),
      ...(error.source ? { source: error.source } : {}),
      ...(error.positions ? { positions: error.positions } : {}),
      ...(error.path ? { path: error.path } : {}),
      extensions: { code },
    });
  const original = error.originalError;
  // The request itself is wrong: syntax, validation, variable types.
  if (!original || original instanceof GraphQLError) return answer(error.message, 'BAD_USER_INPUT');
  const code = errorCode(original);
  if (code) return answer(original.message, code);
  logger.error({ err: original, path: error.path }, 'resolving field');
  return answer('internal error; the details are in the server log', 'INTERNAL_SERVER_ERROR');
}

/** A body too large or not JSON gets a GraphQL-shaped answer, as a GraphQL client expects. */
function bodyErrors(maxBodyBytes: number): ErrorRequestHandler {
  return (error: { type?: string; message?: string }, _req, res, next) => {
    const answer = (status: number, message: string) =>
      res.status(status).json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT' } }] });
    if (error.type === 'entity.too.large') {
      answer(413, `request body is larger than the limit of ${maxBodyBytes} bytes`);
    } else if (error.type === 'entity.parse.failed') {
      answer(400, `request body is not valid JSON: ${error.message}`);
    } else {
      next(error);
    }
  };
}
