import { Client, Connection } from '@temporalio/client';
import { RunService } from '../../src/runs/service';
import { RawGitProvider } from '../../src/vcs/rawGit';
import { ContextService } from '../../src/contexts/service';
import { randomBytes } from 'node:crypto';
import { schema } from '../support/tables';
import { RunState, RunType } from '../../src/runs/types';
import { SecretBox, sha256Hex } from '../../src/platform/secrets';
import { resolveRuntimeConfig, revealValue } from '../../src/contexts/runtimeConfig';
import { slugOf } from '../../src/platform/input';
import { StackService } from '../../src/stacks/service';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';
import { ConflictError, NotFoundError, InvalidInputError } from '../../src/platform/errors';

const input = {
  name: 'Networking (Prod)',
  provider: 'RAW_GIT' as const,
  repository: 'file:///srv/git/networking',
  branch: 'main',
};

describe('slugOf', () => {
  it('makes an id of lowercase words joined by dashes', () => {
    expect(slugOf('Networking (Prod) — EU')).toBe('networking-prod-eu');
    expect(() => slugOf('!!!')).toThrow(InvalidInputError);
  });
});

describe.each(databaseTargets())('stacks, contexts and config on $kind', (target) => {
  let database: TestDatabase;
  let stacks: StackService;
  let contexts: ContextService;
  const box = new SecretBox(randomBytes(32));

  beforeEach(async () => {
    database = await openTestDatabase(target);
    stacks = new StackService({ db: database.db, box, allowFileRepositories: true });
    contexts = new ContextService({ db: database.db, box, stacks });
  });
  afterEach(() => database.close());

  it('creates a stack with an id from its name, which an update cannot change', async () => {
    const created = await stacks.createStack({ ...input, labels: ['prod'], autodeploy: true });
    expect(created).toMatchObject({ id: 'networking-prod', labels: ['prod'], autodeploy: true });
    await expect(stacks.createStack(input)).rejects.toThrow(
      new ConflictError('a stack with id "networking-prod" exists; choose another name'),
    );
    const updated = await stacks.updateStack('networking-prod', { ...input, name: 'Renamed' });
    expect(updated).toMatchObject({ id: 'networking-prod', name: 'Renamed', autodeploy: false });
    await expect(stacks.updateStack('nope', input)).rejects.toThrow(NotFoundError);
  });

  it('refuses a project root outside the repository', async () => {
    await expect(stacks.createStack({ ...input, projectRoot: '../etc' })).rejects.toThrow(
      InvalidInputError,
    );
  });

  it('seals write-only config and shows only its checksum', async () => {
    await stacks.createStack(input);
    const element = await contexts.addStackConfig('networking-prod', {
      id: 'API_TOKEN',
      type: 'ENVIRONMENT_VARIABLE',
      value: 'tok-123456',
      writeOnly: true,
    });
    expect(element).toMatchObject({ value: null, checksum: sha256Hex('tok-123456') });
    expect(element.encryptedValue).not.toContain('tok-123456');
    expect(revealValue(element, box)).toBe('tok-123456');

    const replaced = await contexts.addStackConfig('networking-prod', {
      id: 'API_TOKEN',
      type: 'ENVIRONMENT_VARIABLE',
      value: 'visible',
      writeOnly: false,
    });
    expect(replaced).toMatchObject({ value: 'visible', encryptedValue: null });
    expect(await contexts.deleteStackConfig('networking-prod', 'API_TOKEN')).toMatchObject({
      id: 'API_TOKEN',
    });
    await expect(contexts.deleteStackConfig('networking-prod', 'API_TOKEN')).rejects.toThrow(
      NotFoundError,
    );
  });

  it('refuses bad config names and file mounts that are not base64 or leave the project', async () => {
    await stacks.createStack(input);
    const bad = [
      { id: '1ST', type: 'ENVIRONMENT_VARIABLE' as const, value: 'x', writeOnly: false },
      { id: '../key', type: 'FILE_MOUNT' as const, value: 'e30=', writeOnly: false },
      { id: 'key.json', type: 'FILE_MOUNT' as const, value: 'not base64!', writeOnly: false },
    ];
    for (const element of bad) {
      await expect(contexts.addStackConfig('networking-prod', element)).rejects.toThrow(
        InvalidInputError,
      );
    }
  });

  it('attaches contexts by priority, and their config reaches the runtime config', async () => {
    await stacks.createStack(input);
    const shared = await contexts.createContext({ name: 'Shared', description: 'for all' });
    const prod = await contexts.createContext({ name: 'Prod' });
    await contexts.addContextConfig(shared.id, {
      id: 'REGION',
      type: 'ENVIRONMENT_VARIABLE',
      value: 'eu-west-1',
      writeOnly: false,
    });
    await contexts.addContextConfig(prod.id, {
      id: 'REGION',
      type: 'ENVIRONMENT_VARIABLE',
      value: 'us-east-1',
      writeOnly: false,
    });
    await contexts.attachContext(shared.id, 'networking-prod', 5);
    const attachment = await contexts.attachContext(prod.id, 'networking-prod', 1);
    const region = async () =>
      (await resolveRuntimeConfig(database.db, 'networking-prod')).find(
        ({ element }) => element.id === 'REGION',
      )!.element.value;
    expect(await region()).toBe('us-east-1');

    await contexts.attachContext(prod.id, 'networking-prod', 9);
    expect(await region()).toBe('eu-west-1');
    await contexts.detachContext(attachment.id);
    await contexts.deleteContext(shared.id);
    expect(await resolveRuntimeConfig(database.db, 'networking-prod')).toEqual([]);
    await expect(contexts.attachContext('nope', 'networking-prod', 1)).rejects.toThrow(
      new NotFoundError('context "nope" does not exist'),
    );
  });

  it('refuses to delete a stack while a run is under way', async () => {
    await stacks.createStack(input);
    await database.db.insert(schema.runs).values({
      id: '01JSTACKS0000000000000000A',
      stackId: 'networking-prod',
      type: RunType.TRACKED,
      state: RunState.UNCONFIRMED,
      branch: 'main',
      commitHash: 'a'.repeat(40),
    });
    // Deleting goes through the run service, which knows which runs are under way.
    const runs = new RunService({
      db: database.db,
      box,
      stacks,
      // Deleting a stack never reaches Temporal; a lazy connection never dials this address.
      client: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      vcsFor: () => new RawGitProvider({ allowFile: true }),
      runTimeoutMs: 60_000,
    });
    await expect(runs.deleteStack('networking-prod')).rejects.toThrow(
      'stack "networking-prod" has run 01JSTACKS0000000000000000A in UNCONFIRMED; stop, cancel or discard it first',
    );
    await database.db.update(schema.runs).set({ state: RunState.DISCARDED });
    expect(await runs.deleteStack('networking-prod')).toMatchObject({ id: 'networking-prod' });
    expect(await database.db.select().from(schema.runs)).toEqual([]);
  });
});
