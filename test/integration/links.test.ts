import { buildSchema, parse, validate } from 'graphql';
import { typeDefs } from '../../src/api/graphql/schema';
import { startDatabaseApi, type ApiServer } from '../support/api';

describe('the links Gantry hands out for stacks and runs', () => {
  let api: ApiServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ api, close } = await startDatabaseApi());
  });
  afterAll(() => close?.());

  /** Follows a link as a browser would, and returns the query GraphiQL opens with. */
  async function openedQuery(path: string) {
    const response = await fetch(`${api.url}${path}`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!, api.url);
    expect(location.pathname).toBe('/graphql');
    const query = location.searchParams.get('query')!;
    // The query runs as it is against the served schema.
    expect(validate(buildSchema(typeDefs), parse(query))).toEqual([]);
    return query;
  }

  it("opens GraphiQL with a stack's query at /stack/<id>, as spacectl's `stack open` links", async () => {
    const query = await openedQuery('/stack/payments-prod');
    expect(query).toContain('stack(id: "payments-prod")');
    expect(query).toContain('blocker');
  });

  it("opens GraphiQL with a run's query at /stack/<id>/run/<id>", async () => {
    const query = await openedQuery('/stack/payments-prod/run/01JRUN00000000000000000000');
    expect(query).toContain('run(id: "01JRUN00000000000000000000")');
  });

  it('answers 404 for what is no stack or run id', async () => {
    for (const path of ['/stack/Not_A_Slug', '/stack/ok/run/no%20run', '/stack/ok/else']) {
      const response = await fetch(`${api.url}${path}`, { redirect: 'manual' });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});
