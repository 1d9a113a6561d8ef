import { parse, print } from 'graphql';
import { parseLeniently } from '../../../src/api/graphql/parse';

describe('parsing documents as Spacelift does', () => {
  it('reads an empty argument list as none, as the Terraform provider sends it', () => {
    const lenient = parseLeniently('query { spaces ( ) { id } contexts() { id labels } }');
    expect(print(lenient)).toBe(print(parse('query { spaces { id } contexts { id labels } }')));
  });

  it('leaves strings and comments that hold parentheses as they are', () => {
    const lenient = parseLeniently(
      'mutation { policyCreate(name: "f()", body: "()", type: ACCESS) { id } # ()\n spaces() { id } }',
    );
    expect(print(lenient)).toContain('policyCreate(name: "f()", body: "()", type: ACCESS)');
    expect(print(lenient)).toContain('spaces {');
  });

  it('reports any other mistake as the grammar has it', () => {
    expect(() => parseLeniently('{ spaces() { id }')).toThrow(
      'Syntax Error: Expected Name, found ")".',
    );
    expect(() => parseLeniently('{ stacks { id ')).toThrow(
      'Syntax Error: Expected Name, found <EOF>.',
    );
  });

  it('keeps the tokens around a list apart, and reads no document full of lists', () => {
    expect(print(parseLeniently('{ a()b { id } }'))).toBe(print(parse('{ a b { id } }')));
    // Far more empty lists than any client sends: refused as the grammar has it, not rewritten.
    expect(() => parseLeniently(`{ a${'()'.repeat(200_000)} }`)).toThrow(
      'Syntax Error: Expected Name, found ")".',
    );
  });
});
