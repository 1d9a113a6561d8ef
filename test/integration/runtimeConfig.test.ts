import { randomBytes } from 'node:crypto';
import { schema } from '../support/tables';
import { SecretBox, sha256Hex } from '../../src/platform/secrets';
import { resolveRuntimeConfig, revealValue } from '../../src/contexts/runtimeConfig';
import { databaseTargets, openTestDatabase, type TestDatabase } from '../support/database';

describe.each(databaseTargets())('runtime config on $kind', (target) => {
  let database: TestDatabase;
  const box = new SecretBox(randomBytes(32));

  const element = (
    owner: { stackId: string } | { contextId: string },
    id: string,
    value: string,
    writeOnly = false,
  ) => ({
    ...owner,
    id,
    type: 'ENVIRONMENT_VARIABLE' as const,
    writeOnly,
    checksum: sha256Hex(value),
    ...(writeOnly ? { encryptedValue: box.seal(value) } : { value }),
  });

  beforeAll(async () => {
    database = await openTestDatabase(target);
    const { db } = database;
    await db
      .insert(schema.stacks)
      .values({ id: 'app', name: 'App', provider: 'RAW_GIT', repository: 'r', branch: 'main' });
    await db.insert(schema.contexts).values([
      { id: 'shared', name: 'Shared' },
      { id: 'prod', name: 'Production' },
      { id: 'unattached', name: 'Unattached' },
    ]);
    await db.insert(schema.contextAttachments).values([
      { id: 'att-shared', contextId: 'shared', stackId: 'app', priority: 10 },
      { id: 'att-prod', contextId: 'prod', stackId: 'app', priority: 1 },
    ]);
    await db
      .insert(schema.configElements)
      .values([
        element({ stackId: 'app' }, 'TIER', 'stack'),
        element({ contextId: 'shared' }, 'TIER', 'shared'),
        element({ contextId: 'shared' }, 'REGION', 'eu-west-1'),
        element({ contextId: 'prod' }, 'REGION', 'us-east-1'),
        element({ contextId: 'shared' }, 'LOG_FORMAT', 'json'),
        element({ contextId: 'prod' }, 'DB_PASSWORD', 'hunter22', true),
        element({ contextId: 'unattached' }, 'NEVER', 'x'),
      ]);
  });
  afterAll(() => database.close());

  it('takes the stack first, then contexts by priority, and names where each came from', async () => {
    const resolved = await resolveRuntimeConfig(database.db, 'app');
    expect(
      resolved.map(({ element, source }) => [element.id, element.value, source?.contextId ?? null]),
    ).toEqual([
      ['DB_PASSWORD', null, 'prod'],
      ['LOG_FORMAT', 'json', 'shared'],
      ['REGION', 'us-east-1', 'prod'],
      ['TIER', 'stack', null],
    ]);
    expect(resolved.find(({ element }) => element.id === 'REGION')!.source).toEqual({
      attachmentId: 'att-prod',
      contextId: 'prod',
      contextName: 'Production',
      priority: 1,
    });
  });

  it('keeps write-only values encrypted, revealing them only on request', async () => {
    const resolved = await resolveRuntimeConfig(database.db, 'app');
    const password = resolved.find(({ element }) => element.id === 'DB_PASSWORD')!.element;
    expect(password.value).toBeNull();
    expect(password.encryptedValue).not.toContain('hunter22');
    expect(password.checksum).toBe(sha256Hex('hunter22'));
    expect(revealValue(password, box)).toBe('hunter22');
  });
});
