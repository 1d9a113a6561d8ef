import type { Browser, Page } from 'puppeteer-core';
import { RunState } from '../../src/runs/types';
import { startApiServer, type ApiServer } from '../support/api';
import {
  DESKTOP,
  PHONE,
  screenshot,
  seriousA11yViolations,
  startBrowser,
} from '../support/browser';
import { createTestRepo, type TestRepo } from '../support/gitRepo';
import { startRunHarness, type RunHarness } from '../support/runs';

// `npm run screenshots` runs this file with GANTRY_SCREENSHOTS=1: the README's pictures.
const SCREENSHOTS = process.env.GANTRY_SCREENSHOTS === '1';

const config = (size: string) => `resource "terraform_data" "database" {
  input = {
    engine  = "postgres"
    version = "16"
    size    = "${size}"
  }

  provisioner "local-exec" {
    command = "for i in $(seq 1 40); do echo applying step $i; done"
  }
}
`;

/**
 * The web console in headless Chromium, against Gantry's real API and a real worker: a person
 * signs in with an API key, triggers a run, reads its plan and logs, confirms it, and sees it
 * finish, all without reloading; a reader sees no buttons that act; a signed-out visitor to a
 * run's link signs in and lands on the run.
 */
describe('the web console in a browser', () => {
  let harness: RunHarness;
  let api: ApiServer;
  let repo: TestRepo;
  let browser: Browser;
  let writer: { id: string; secret: string };
  let reader: { id: string; secret: string };

  const apiKey = async (name: string, teams: string[]) => {
    const created = await api.graphql<{ apiKeyCreate: { id: string; secret: string } }>(
      `mutation ($input: ApiKeyInput!) { apiKeyCreate(input: $input) { id secret } }`,
      { input: { name, admin: false, teams } },
    );
    return created.data!.apiKeyCreate;
  };

  beforeAll(async () => {
    repo = await createTestRepo();
    await repo.commit({ 'main.tf': config('db.small') }, 'Add the database');
    harness = await startRunHarness();
    api = await startApiServer(harness);
    const created = await api.graphql(
      `mutation ($input: StackInput!) { stackCreate(input: $input, manageState: true) { id } }`,
      {
        input: {
          name: 'payments-db',
          repository: repo.url,
          branch: 'main',
          provider: 'RAW_GIT',
          administrative: false,
          labels: ['team:payments', 'database'],
          writersSlug: 'payments',
          readersSlug: 'auditors',
        },
      },
    );
    expect(created.errors).toBeUndefined();
    writer = await apiKey('Payments team', ['payments']);
    reader = await apiKey('Auditor', ['auditors']);
    browser = await startBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await harness?.stop();
    await repo?.remove();
  });

  const newPage = async (viewport = DESKTOP) => {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport(viewport);
    return page;
  };

  const signIn = async (page: Page, key: { id: string; secret: string }) => {
    await page.locator('::-p-aria([name="API key ID"][role="textbox"])').fill(key.id);
    await page.locator('::-p-aria([name="API key secret"][role="textbox"])').fill(key.secret);
    await page.locator('::-p-aria([name="Sign in"][role="button"])').click();
  };

  const button = (page: Page, name: string) => page.$(`::-p-aria([name="${name}"][role="button"])`);

  // Expressions, not functions: they run in the page, whose DOM this program has no types of.
  const text = (page: Page) => page.evaluate('document.body.innerText') as Promise<string>;

  const waitForText = async (page: Page, wanted: string | RegExp, timeoutMs = 120_000) => {
    const pattern = typeof wanted === 'string' ? new RegExp(escape(wanted)) : wanted;
    await page.waitForFunction(`${pattern.toString()}.test(document.body.innerText)`, {
      timeout: timeoutMs,
      polling: 200,
    });
  };

  const waitForPath = (page: Page, pattern: RegExp) =>
    page.waitForFunction(`${pattern.toString()}.test(location.pathname)`, { timeout: 30_000 });

  it('takes a run from trigger to FINISHED: logs streaming, the plan with its attributes, Confirm', async () => {
    const page = await newPage();
    await page.goto(`${api.url}/`);
    await page.waitForSelector('::-p-aria([name="Sign in"][role="button"])');
    await signIn(page, writer);
    await waitForText(page, 'payments-db');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.locator('::-p-aria([name="payments-db"][role="link"])').click();
    await page.waitForSelector('::-p-aria([name="Trigger"][role="button"])');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('::-p-aria([name="Trigger"][role="button"])').click();

    // The console goes to the new run's page by itself.
    await waitForPath(page, /^\/stack\/payments-db\/run\/[0-9A-Z]+$/);
    const runId = page.url().split('/').at(-1)!;
    await waitForText(page, 'UNCONFIRMED');
    await waitForText(page, 'terraform_data.database');
    // The one added resource, with what it sets.
    const plan = await text(page);
    expect(plan).toMatch(/Add\s*\(?1\)?/);
    await page.locator('::-p-aria([name="terraform_data.database"])').click();
    await waitForText(page, '"postgres"');
    await waitForText(page, '(known after apply)');
    expect(await seriousA11yViolations(page)).toEqual([]);
    if (SCREENSHOTS) await screenshot(page, 'run-unconfirmed-desktop');

    const confirm = await button(page, 'Confirm');
    expect(confirm).not.toBeNull();
    await confirm!.click();
    // The apply's logs stream in as it runs, and the page sees FINISHED, with no reload.
    await waitForText(page, 'applying step 40');
    await waitForText(page, 'FINISHED');
    expect(await harness.service.run(runId)).toMatchObject({ state: RunState.FINISHED });
    expect(await button(page, 'Confirm')).toBeNull();
    await page.close();
  });

  /** A tracked run of a new commit that changes the database, waiting for its confirmation. */
  const unconfirmedRun = async (size: string) => {
    await repo.commit({ 'main.tf': config(size) }, `Resize the database to ${size}`);
    const run = await harness.service.trackHead('payments-db', { triggeredBy: 'ada' });
    await harness.waitForState(run.id, RunState.UNCONFIRMED);
    return run;
  };

  it('shows a reader the run, without Confirm or Trigger', async () => {
    const run = await unconfirmedRun('db.medium');
    const page = await newPage();
    await page.goto(`${api.url}/stack/payments-db/run/${run.id}`);
    await page.waitForSelector('::-p-aria([name="Sign in"][role="button"])');
    await signIn(page, reader);
    await waitForText(page, 'UNCONFIRMED');
    await waitForText(page, 'terraform_data.database');
    expect(await button(page, 'Confirm')).toBeNull();
    expect(await button(page, 'Discard')).toBeNull();
    await page.goto(`${api.url}/stack/payments-db`);
    await waitForText(page, 'Tracked runs');
    expect(await button(page, 'Trigger')).toBeNull();
    await page.close();
    await harness.service.decide('payments-db', run.id, 'discard', 'ada');
  });

  it("sends a signed-out visitor of a run's link to sign in, then back to the run", async () => {
    const run = await unconfirmedRun('db.large');
    const page = await newPage(SCREENSHOTS ? PHONE : DESKTOP);
    await page.goto(`${api.url}/stack/payments-db/run/${run.id}`);
    await page.waitForSelector('::-p-aria([name="Sign in"][role="button"])');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await signIn(page, writer);
    await waitForPath(page, new RegExp(`^/stack/payments-db/run/${run.id}$`));
    await waitForText(page, 'terraform_data.database');
    // A writer gets the buttons a reader does not.
    await page.waitForSelector('::-p-aria([name="Confirm"][role="button"])');
    await page.waitForSelector('::-p-aria([name="Discard"][role="button"])');
    if (SCREENSHOTS) {
      await page.locator('::-p-aria([name="terraform_data.database"])').click();
      await screenshot(page, 'run-unconfirmed-phone');
      await page.goto(`${api.url}/`);
      await waitForText(page, 'payments-db');
      await screenshot(page, 'stacks-phone');
      await page.goto(`${api.url}/stack/payments-db`);
      await waitForText(page, 'Tracked runs');
      await screenshot(page, 'stack-phone');
      await page.setViewport(DESKTOP);
      await page.reload();
      await waitForText(page, 'Tracked runs');
      await screenshot(page, 'stack-desktop');
      await page.goto(`${api.url}/`);
      await waitForText(page, 'UNCONFIRMED');
      await screenshot(page, 'stacks-desktop');
    }
    await page.close();
    await harness.service.decide('payments-db', run.id, 'discard', 'ada');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
