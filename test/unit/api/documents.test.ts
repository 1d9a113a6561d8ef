import { buildSchema, specifiedRules } from 'graphql';
import { documentCache } from '../../../src/api/graphql/documents';

const schema = buildSchema('type Query { stacks(first: Int): [String!]! }');

describe('documents parsed and validated once', () => {
  it('gives the same text the document parsed the first time, and keeps checking bad ones', () => {
    const documents = documentCache();
    const first = documents.parse('{ stacks }');
    expect(documents.parse('{ stacks }')).toBe(first);
    expect(documents.validate(schema, first, specifiedRules)).toEqual([]);
    expect(documents.validate(schema, first, specifiedRules)).toEqual([]);

    // A document that does not validate says why every time it is sent.
    const wrong = documents.parse('{ stacks(first: "ten") nope }');
    for (let i = 0; i < 2; i++) {
      expect(
        documents.validate(schema, wrong, specifiedRules).map((error) => error.message),
      ).toEqual([
        'Int cannot represent non-integer value: "ten"',
        'Cannot query field "nope" on type "Query".',
      ]);
    }
  });

  it('reads empty argument lists as Spacelift does, and still refuses what does not parse', () => {
    const documents = documentCache();
    expect(documents.validate(schema, documents.parse('{ stacks() }'), specifiedRules)).toEqual([]);
    expect(() => documents.parse('{ stacks ')).toThrow(/Syntax Error/);
    expect(() => documents.parse('{ stacks ')).toThrow(/Syntax Error/);
  });
});
