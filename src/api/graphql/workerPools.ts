import type { GraphQLContext } from './context';
import { authenticated, isAdminIn, requireAdmin, requireSomeAdmin, spaceOfInput } from './guard';
import { asSeenBy, loadedSpace } from './spaces';
import type { Resolvers } from './types.generated';
import { seconds } from './models';

/** The pool, which the caller must be an admin of the space of. */
async function administeredPool(context: GraphQLContext, id: string) {
  requireSomeAdmin(context);
  const pool = await context.services.workerPools.get(id);
  requireAdmin(context, pool.space);
  return pool;
}

/**
 * Worker pools live in spaces: anyone signed in reads them, as they read spaces, and each
 * space's admins manage those in it and alone see their credentials.
 */
export const workerPoolResolvers: Resolvers = {
  Query: {
    workerPools: (_parent, _args, context) => {
      authenticated(context);
      return context.services.workerPools.list();
    },
    workerPool: async (_parent, { id }, context) => {
      authenticated(context);
      return (await context.loaders.workerPool.load(id)) ?? null;
    },
  },

  // workerPoolCreate and workerPoolUpdate set a pool whole, as the Terraform provider sends it.
  // certificateSigningRequest and driftDetectionRunLimit are not Gantry's and go unread: the
  // pool's credential is its own token, and there is no drift detection.
  Mutation: {
    workerPoolCreate: (_parent, args, context) => {
      requireAdmin(context, spaceOfInput(args.space));
      return context.services.workerPools.create(args);
    },
    workerPoolUpdate: async (_parent, { id, ...args }, context) => {
      await administeredPool(context, id);
      requireAdmin(context, spaceOfInput(args.space));
      return context.services.workerPools.update(id, args);
    },
    workerPoolReset: async (_parent, { id }, context) => {
      await administeredPool(context, id);
      return context.services.workerPools.reset(id);
    },
    workerPoolDelete: async (_parent, { id }, context) => {
      await administeredPool(context, id);
      return context.services.workerPools.delete(id);
    },
  },

  WorkerPool: {
    // The credential lets a worker take the runs of every stack that uses the pool, so only
    // those who manage the pool see it; the field is non-null, so others get an empty string.
    config: (parent, _args, context) =>
      isAdminIn(authenticated(context).viewer, parent.space)
        ? context.services.workerPools.config(parent)
        : '',
    spaceDetails: async (parent, _args, context) =>
      asSeenBy(context)(await loadedSpace(context, parent.space)),
    createdAt: (parent) => seconds(parent.createdAt),
    updatedAt: (parent) => seconds(parent.updatedAt),
    pendingRuns: async (parent, _args, context) => {
      const stacks = await context.loaders.poolStacks.load(parent.id);
      const queued = await Promise.all(
        stacks.map((stack) => context.loaders.queuedRuns.load(stack.id)),
      );
      return queued.reduce((sum, count) => sum + count, 0);
    },
    busyWorkers: async (parent, _args, context) =>
      (await context.loaders.poolWorkers.load(parent.id)).filter((worker) => worker.busy > 0)
        .length,
    workers: async (parent, _args, context) =>
      (await context.loaders.poolWorkers.load(parent.id)).map((worker) => ({
        id: worker.id,
        busy: worker.busy > 0,
        drained: worker.drained,
        metadata: JSON.stringify({
          hostname: worker.hostname,
          pid: worker.pid,
          concurrency: worker.concurrency,
        }),
        createdAt: seconds(worker.startedAt),
        version: null,
      })),
    driftDetectionRunLimit: () => null,
  },
};
