import { UnsupportedError } from '../../platform/errors';
import type { GraphQLContext } from './context';
import { authenticated } from './guard';
import type { Resolvers } from './types.generated';

/**
 * Spacelift's features that Gantry does not have. Their queries are in the schema so that
 * Spacelift's clients send valid documents, and each answers UNSUPPORTED with what Gantry has
 * instead, so a command ends with a sentence rather than a schema error or made-up data.
 */
const MISSING = {
  modules: 'Gantry has no module registry: publish modules to a registry of your own',
  blueprints: 'Gantry has no blueprints: create stacks with stackCreate',
  templates: 'Gantry has no templates: create stacks with stackCreate',
  providers:
    'Gantry has no Terraform provider registry: publish providers to a registry of your own',
  localPreview:
    'Gantry has no local preview: push the change to a branch and open a merge request, or run `spacectl stack preview` on a pushed commit',
  auditTrail:
    "Gantry keeps no audit trail: each run's history (Run.history) says who did what, and the process logs record every request",
} as const;

const unsupported =
  (feature: keyof typeof MISSING) =>
  (_parent: unknown, _args: unknown, context: GraphQLContext) => {
    authenticated(context);
    throw new UnsupportedError(MISSING[feature]);
  };

export const unsupportedResolvers: Resolvers = {
  Query: {
    searchModules: unsupported('modules'),
    module: unsupported('modules'),
    searchBlueprints: unsupported('blueprints'),
    blueprint: unsupported('blueprints'),
    searchTemplates: unsupported('templates'),
    gpgKeys: unsupported('providers'),
    terraformProvider: unsupported('providers'),
    searchAuditTrailEntries: unsupported('auditTrail'),
  },
  Mutation: {
    uploadLocalWorkspace: unsupported('localPreview'),
    runProposeLocalWorkspace: unsupported('localPreview'),
  },
  Policy: {
    evaluationRecords: () => [],
  },
};
