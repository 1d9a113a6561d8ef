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
          Stack: './models#StackRow',
          Run: './models#RunRow',
          Context: './models#ContextRow',
          ConfigElement: './models#ConfigElementRow',
          ContextStackAttachment: './models#ContextAttachmentModel',
          StackContextAttachment: './models#StackAttachmentModel',
          ConfigElementWithSource: '../../contexts/runtimeConfig#ResolvedElement',
          ApiKey: './models#ApiKeyModel',
          User: './models#UserModel',
          Policy: './models#PolicyRow',
          PolicyStackAttachment: './models#PolicyAttachmentRow',
          StackPolicyAttachment: './models#PolicyAttachmentRow',
          Space: './models#SpaceModel',
          WorkerPool: './models#WorkerPoolRow',
        },
        scalars: { ID: 'string' },
      },
    },
    // The web console's types of what the API answers: the SDL's types alone, nothing of the
    // server's, as the browser app imports no server code.
    'src/console/web/api/schema.generated.ts': {
      plugins: [
        { add: { content: '/* Generated from schema.graphql by `npm run graphql:generate`. */' } },
        'typescript',
      ],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: true,
        skipTypename: true,
        scalars: { ID: 'string' },
      },
    },
  },
};

export default config;
