import { startDatabaseApi, type ApiServer } from '../support/api';

describe('the links Gantry hands out for stacks and runs', () => {
  let api: ApiServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ api, close } = await startDatabaseApi());
  });
  afterAll(() => close?.());

  /** Follows a link as a browser would: the web console's page, and its script. */
  async function opened(path: string) {
    const response = await fetch(`${api.url}${path}`, { redirect: 'manual' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await response.text();
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"><\/script>/.exec(
      page,
    )?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${api.url}${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toContain('immutable');
    return page;
  }

  it("opens the console's page of a stack at /stack/<id>, as spacectl's `stack open` links", async () => {
    await opened('/stack/payments-prod');
  });

  it("opens the console's page of a run at /stack/<id>/run/<id>, as GitLab and Slack link", async () => {
    // The same page: its script shows the run the URL names.
    expect(await opened('/stack/payments-prod/run/01JRUN00000000000000000000')).toBe(
      await opened('/stack/payments-prod'),
    );
  });

  it('answers 404 for what is no stack or run id', async () => {
    for (const path of ['/stack/Not_A_Slug', '/stack/ok/run/no%20run', '/stack/ok/else']) {
      const response = await fetch(`${api.url}${path}`, { redirect: 'manual' });
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});
