import { buildSchema, specifiedRules, type ValidationRule } from 'graphql';
import { documentCache } from '../../../src/api/graphql/documents';

const schema = buildSchema('type Query { stacks(first: Int): [String!]! }');

/** The specified rules and one that counts the documents it is asked to check. */
function countingRules() {
  const checked = { count: 0 };
  const counting: ValidationRule = () => ({
    Document: () => {
      checked.count += 1;
    },
  });
  return { rules: [...specifiedRules, counting], checked };
}

describe('documents parsed and validated once', () => {
  it('keeps a document that validated, and checks it no more', () => {
    const documents = documentCache();
    const { rules, checked } = countingRules();
    for (let i = 0; i < 3; i++) {
      const document = documents.parse('{ stacks }');
      expect(documents.validate(schema, document, rules)).toEqual([]);
    }
    expect(checked.count).toBe(1);
  });

  it('keeps nothing of a document that does not validate: it is checked, and refused, each time', () => {
    const documents = documentCache();
    const { rules, checked } = countingRules();
    const parsed = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const document = documents.parse('{ stacks(first: "ten") nope }');
      parsed.add(document);
      expect(documents.validate(schema, document, rules).map((error) => error.message)).toEqual([
        'Int cannot represent non-integer value: "ten"',
        'Cannot query field "nope" on type "Query".',
      ]);
    }
    expect(checked.count).toBe(3);
    expect(parsed.size).toBe(3);
  });

  it('reads empty argument lists as Spacelift does, and still refuses what does not parse', () => {
    const documents = documentCache();
    expect(documents.validate(schema, documents.parse('{ stacks() }'), specifiedRules)).toEqual([]);
    expect(() => documents.parse('{ stacks ')).toThrow(/Syntax Error/);
  });
});
