import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Installation } from '@slack/oauth';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db';
import { GitLabIntegrationService, webhookSecretHash } from '../../src/gitlab/integration';
import { SecretBox } from '../../src/platform/secrets';
import { SlackInstallations } from '../../src/slack';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';
import { startGitLabServer, type GitLabServer } from '../support/gitlabServer';
import { schema } from '../support/tables';

const TOKEN = 'glpat-changes';

/** Polls `condition` until it holds; fails saying what it waited for after 10 s. */
async function eventually(what: string, condition: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited 10 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(databaseTargets())('settings cached per process on $kind', (target) => {
  let database: TestDatabase;
  // A second process on the same database; on PGlite, the same process.
  let other: DatabaseHandle;
  let gitlab: GitLabServer;
  const box = new SecretBox(randomBytes(32));
  const integration = (handle: DatabaseHandle) =>
    new GitLabIntegrationService({
      db: handle.db,
      box,
      publicUrl: 'http://gantry.test',
      changes: handle.changes,
    });

  beforeEach(async () => {
    database = await openTestDatabase(target);
    other =
      target.kind === 'postgres'
        ? await openDatabase({ url: target.url, schema: database.schemaName! })
        : database;
    gitlab = await startGitLabServer();
    gitlab.addUser({ username: 'gantry-bot', token: TOKEN });
  });
  afterEach(async () => {
    if (other !== database) await other.close();
    await database.close();
    await gitlab.close();
  });

  it('reads the webhook secrets once, and afresh when any process changes them', async () => {
    const api = integration(database);
    const worker = integration(other);
    await api.setup({
      apiHost: gitlab.url,
      token: TOKEN,
      oauthClientId: null,
      oauthClientSecret: null,
    });
    await eventually('the other process to hear of the setup', async () =>
      Boolean((await worker.webhookSecrets()).shared),
    );
    await eventually('the feed to listen', () => other.changes.live());
    const kept = await worker.webhookSecrets();
    expect(await worker.webhookSecrets()).toBe(kept);

    // The process that rotates reads its own write at once; the other hears of it.
    const rotated = await api.rotateWebhookSecret('Platform/App');
    const hash = webhookSecretHash(rotated.secret!);
    expect((await api.webhookSecrets()).projectBySecretHash.get(hash)).toBe('platform/app');
    await eventually('the other process to see the rotated secret', async () =>
      (await worker.webhookSecrets()).projectsWithOwnSecret.has('platform/app'),
    );

    // A write no service made (an operator's SQL) is heard as well.
    await other.db
      .update(schema.gitlabIntegration)
      .set({ encryptedWebhookSecret: box.seal('set-by-hand') })
      .where(eq(schema.gitlabIntegration.id, 1));
    await eventually('both processes to see the secret set by hand', async () => {
      const [seenByApi, seenByWorker] = await Promise.all([
        api.webhookSecrets(),
        worker.webhookSecrets(),
      ]);
      return seenByApi.shared === 'set-by-hand' && seenByWorker.shared === 'set-by-hand';
    });

    await api.remove();
    expect(await api.api()).toBeUndefined();
    await eventually('the other process to see GitLab removed', async () => !(await worker.api()));
  });

  it("reads Slack's installations once, and afresh on installing again, removing, or a write by hand", async () => {
    const slackOf = (handle: DatabaseHandle) =>
      new SlackInstallations({ db: handle.db, box, changes: handle.changes });
    const api = slackOf(database);
    const worker = slackOf(other);
    const installation = (token: string) =>
      ({
        team: { id: 'T0ACME', name: 'Acme' },
        enterprise: undefined,
        user: { id: 'U0ADA', token: undefined, scopes: undefined },
        bot: { token, userId: 'U0BOT', id: 'B0BOT', scopes: ['commands'] },
        appId: 'A0GANTRY',
        isEnterpriseInstall: false,
        tokenType: 'bot',
      }) as Installation;
    const token = async (slack: SlackInstallations) =>
      (await slack.installation('T0ACME'))?.bot?.token;

    expect(await token(worker)).toBeUndefined();
    await api.storeInstallation(installation('xoxb-first'));
    expect(await token(api)).toBe('xoxb-first');
    await eventually('the other process to hear of the installation', async () =>
      Boolean(await token(worker)),
    );
    await eventually('the feed to listen', () => other.changes.live());
    const kept = await worker.installation('T0ACME');
    expect(await worker.installation('T0ACME')).toBe(kept);

    // Installing again gives the workspace a new bot token: the old one is not used again.
    await api.storeInstallation(installation('xoxb-second'));
    expect(await token(api)).toBe('xoxb-second');
    await eventually(
      'the other process to see the new token',
      async () => (await token(worker)) === 'xoxb-second',
    );

    await database.db
      .update(schema.slackInstallations)
      .set({ encryptedInstallation: box.seal(JSON.stringify(installation('xoxb-by-hand'))) });
    await eventually('both processes to see the token set by hand', async () => {
      const [seenByApi, seenByWorker] = await Promise.all([token(api), token(worker)]);
      return seenByApi === 'xoxb-by-hand' && seenByWorker === 'xoxb-by-hand';
    });

    await api.remove('T0ACME');
    expect(await api.installation('T0ACME')).toBeUndefined();
    await eventually(
      'the other process to see the app uninstalled',
      async () => !(await worker.installation('T0ACME')),
    );
  });

  if (target.kind === 'postgres') {
    it('reads through while it cannot hear changes, and caches again once it can', async () => {
      const name = `changes-${randomBytes(4).toString('hex')}`;
      const url = new URL(target.url);
      url.searchParams.set('application_name', name);
      const listening = await openDatabase({ url: url.toString(), schema: database.schemaName! });
      try {
        const worker = integration(listening);
        await integration(database).setup({
          apiHost: gitlab.url,
          token: TOKEN,
          oauthClientId: null,
          oauthClientSecret: null,
        });
        await worker.webhookSecrets();
        await eventually('the feed to listen', () => listening.changes.live());

        // The server drops the listening connection: changes made now would be missed.
        const admin = new pg.Client({ connectionString: target.url });
        await admin.connect();
        try {
          await admin.query(
            `select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 and query like 'LISTEN%'`,
            [name],
          );
        } finally {
          await admin.end();
        }
        await eventually('the feed to notice the loss', () => !listening.changes.live());
        await database.db.execute(
          sql`update ${schema.gitlabIntegration} set ${sql.identifier('api_host')} = 'http://moved.test'`,
        );
        // Meanwhile every read goes to the database, so the change is seen at once.
        const during = await worker.webhookSecrets();
        expect(await worker.webhookSecrets()).not.toBe(during);

        await eventually('the feed to listen again', () => listening.changes.live());
        const kept = await worker.webhookSecrets();
        expect(await worker.webhookSecrets()).toBe(kept);
      } finally {
        await listening.close();
      }
    });
  }
});
