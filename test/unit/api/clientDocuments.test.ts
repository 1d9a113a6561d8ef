import fs from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getVariableValues,
  parse,
  validate,
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
 * ordinary use. Gantry serves more of them release by release; those it does not serve yet are
 * listed, so that serving one more (move it off the list) or breaking one shows here.
 */
const documents = fs
  .readFileSync(path.join(__dirname, '../../fixtures/spacelift-clients/documents.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as ClientDocument);

// `<line in the file>:<first command that sent it>`.
const NOT_YET_SERVED = [
  '19:stack-replan',
  '56:tf-full-plan',
  '57:tf-res-apply',
  '58:tf-res-apply',
  '61:tf-iso-plan',
  '62:tf-isores-apply',
  '63:tf-crafted-read',
  '64:tf-crafted-update',
  '66:tf-crafted-update',
  '68:tf-crafted-delete',
  '70:tf-crafted-delete',
  '71:tf-crafted-delete',
  '72:tf-crafted-delete',
  '73:tf-crafted-delete',
  '74:tf-leaf-read',
  '75:tf-leaf-read',
  '76:tf-leaf-read',
  '77:tf-leaf-read',
];

const keyOf = (document: ClientDocument, index: number) => `${index}:${document.commands[0]}`;

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
      document.variables,
    );
    return (coerced.errors ?? []).map((error) => error.message);
  };

  it('has the round of documents whole: 78 of two clients', () => {
    expect(documents).toHaveLength(78);
    expect(new Set(documents.map((document) => document.client))).toEqual(
      new Set(['spacectl', 'terraform-provider-spacelift']),
    );
  });

  it('validates, with its variables, every document of the commands Gantry serves', () => {
    const served = documents.filter(
      (document, index) => !NOT_YET_SERVED.includes(keyOf(document, index)),
    );
    const failing = served
      .map((document) => ({ command: document.commands[0], problems: problems(document) }))
      .filter((result) => result.problems.length > 0);
    expect(failing).toEqual([]);
    expect(served.length).toBeGreaterThanOrEqual(56);
  });

  it('lists exactly the documents not served yet', () => {
    const notServed = documents
      .map((document, index) => ({
        key: keyOf(document, index),
        served: problems(document).length === 0,
      }))
      .filter((document) => !document.served)
      .map((document) => document.key);
    expect(notServed).toEqual(NOT_YET_SERVED);
  });
});
