import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, findBreakingChanges } from 'graphql';
import { createSchema } from '../../../src/api/graphql';
import { typeDefs } from '../../../src/api/graphql/schema';

const fixture = (name: string) =>
  buildSchema(fs.readFileSync(path.join(__dirname, '../../fixtures/graphql', name), 'utf8'));

describe("the served schema against Spacelift's published schemas", () => {
  const served = buildSchema(typeDefs);

  it.each(['spacelift-user.graphql', 'spacelift-provider.graphql'])(
    'breaks nothing a client of %s relies on',
    (name) => {
      expect(findBreakingChanges(fixture(name), served)).toEqual([]);
    },
  );

  // A truncated fixture would make the comparison above pass too easily.
  it('compares against the whole seed: 10 queries, 27 mutations, 33 named types', () => {
    const seed = fixture('spacelift-user.graphql');
    expect(Object.keys(seed.getQueryType()!.getFields())).toHaveLength(10);
    expect(Object.keys(seed.getMutationType()!.getFields())).toHaveLength(27);
    const named = Object.keys(seed.getTypeMap()).filter((name) => !name.startsWith('__'));
    expect(named).toHaveLength(33);
  });

  it('has a resolver behind every query and mutation', () => {
    const executable = createSchema();
    const unresolved = [executable.getQueryType()!, executable.getMutationType()!].flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => !field.resolve)
        .map((field) => `${type.name}.${field.name}`),
    );
    expect(unresolved).toEqual([]);
  });
});
