import type { CodegenConfig } from '@graphql-codegen/cli';

// Resolver types come from the SDL; the mappers name the storage rows resolvers work with.
const config: CodegenConfig = {
  schema: 'src/api/graphql/schema.graphql',
  generates: {
    'src/api/graphql/types.generated.ts': {
      plugins: [
        { add: { content: '/* Generated from schema.graphql by `npm run graphql:generate`. */' } },
        'typescript',
        'typescript-resolvers',
      ],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: './context#GraphQLContext',
        useIndexSignature: false,
        mappers: {
          Stack: '../../db/schema#Stack as StackRow',
          Run: '../../db/schema#Run as RunRow',
          Context: '../../db/schema#Context as ContextRow',
          ConfigElement: '../../db/schema#ConfigElementRow',
          ContextStackAttachment: './models#ContextAttachmentModel',
          StackContextAttachment: './models#StackAttachmentModel',
          ConfigElementWithSource: '../../stacks/runtimeConfig#ResolvedElement',
          ApiKey: './models#ApiKeyModel',
          User: './models#UserModel',
          Policy: '../../db/schema#Policy as PolicyRow',
          PolicyStackAttachment: '../../db/schema#PolicyAttachment as PolicyAttachmentRow',
          StackPolicyAttachment: '../../db/schema#PolicyAttachment as PolicyAttachmentRow',
        },
        scalars: { ID: 'string' },
      },
    },
  },
};

export default config;
