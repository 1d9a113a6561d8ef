import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLEnumType,
  GraphQLInputObjectType,
  GraphQLList,
  GraphQLScalarType,
  parse,
  typeFromAST,
  validate,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { typeDefs } from '../../../src/api/graphql/schema';

interface ClientDocument {
  client: string;
  commands: string[];
  query: string;
  variables: Record<string, unknown>;
}

/**
 * The documents Spacelift's own clients (spacectl, the Terraform provider) sent in a round of
 * ordinary use: every one must stay valid against Gantry's schema, its variables coercing.
 */
const documents = fs
  .readFileSync(path.join(__dirname, '../../fixtures/spacelift-clients/documents.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as ClientDocument);

/**
 * The round's secrets were replaced by "<redacted>" whatever their type (a setting named like a
 * secret too); each becomes a value of the type the schema declares there, so that coercing
 * checks the rest of the variables.
 */
function unredacted(value: unknown, type: GraphQLInputType): unknown {
  if (value === '<redacted>') {
    const named = getNamedType(type);
    if (named instanceof GraphQLEnumType) return named.getValues()[0]!.value;
    if (named instanceof GraphQLScalarType) {
      return { Boolean: true, Int: 0, Float: 0 }[named.name] ?? 'redacted';
    }
    return value;
  }
  const nullable = getNullableType(type);
  if (Array.isArray(value) && nullable instanceof GraphQLList) {
    return value.map((item) => unredacted(item, nullable.ofType));
  }
  if (value && typeof value === 'object' && nullable instanceof GraphQLInputObjectType) {
    const fields = nullable.getFields();
    return Object.fromEntries(
      Object.entries(value).map(([name, field]) => [
        name,
        fields[name] ? unredacted(field, fields[name].type) : field,
      ]),
    );
  }
  return value;
}

function variablesOf(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  document: ClientDocument,
) {
  return Object.fromEntries(
    (operation.variableDefinitions ?? [])
      .filter((definition) => definition.variable.name.value in document.variables)
      .map((definition) => {
        const name = definition.variable.name.value;
        const type = typeFromAST(schema, definition.type as never) as GraphQLInputType | undefined;
        const value = document.variables[name];
        return [name, type ? unredacted(value, type) : value];
      }),
  );
}

describe("the documents Spacelift's clients send", () => {
  const schema = buildSchema(typeDefs);
  const problems = (document: ClientDocument) => {
    const ast = parse(document.query);
    const errors = validate(schema, ast).map((error) => error.message);
    if (errors.length > 0) return errors;
    const operation = ast.definitions[0] as OperationDefinitionNode;
    const coerced = getVariableValues(
      schema,
      operation.variableDefinitions ?? [],
      variablesOf(schema, operation, document),
    );
    return (coerced.errors ?? []).map((error) => error.message);
  };

  it('has the round of documents whole: 78 of two clients', () => {
    expect(documents).toHaveLength(78);
    expect(new Set(documents.map((document) => document.client))).toEqual(
      new Set(['spacectl', 'terraform-provider-spacelift']),
    );
  });

  it('validates every document, with its variables', () => {
    const failing = documents
      .map((document, index) => ({
        document: `${index}:${document.commands[0]}`,
        problems: problems(document),
      }))
      .filter((result) => result.problems.length > 0);
    expect(failing).toEqual([]);
  });
});
