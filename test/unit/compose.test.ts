import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadConfig } from '../../src/platform/config';
import { ONE_PARTITION } from '../../temporal/queues';

const root = path.join(__dirname, '../..');

/**
 * docker-compose.yml, as Debian's docker-compose reads it (`docker-compose config`): valid,
 * complete with an operator's .env, refusing to start without its secrets, and giving each of
 * Gantry's roles a configuration Gantry itself accepts.
 */
describe('docker-compose.yml', () => {
  const env = (values: Record<string, string>) => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-compose-')), '.env');
    fs.writeFileSync(
      file,
      Object.entries(values)
        .map(([key, value]) => `${key}=${value}\n`)
        .join(''),
    );
    return file;
  };
  const config = (envFile: string) =>
    spawnSync('docker-compose', ['--env-file', envFile, '--file', 'docker-compose.yml', 'config'], {
      cwd: root,
      encoding: 'utf8',
    });
  const secrets = {
    POSTGRES_PASSWORD: 'pg-secret',
    GANTRY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    GANTRY_ADMIN_TOKEN: 'admin-token-of-the-operator',
    GANTRY_PUBLIC_URL: 'https://gantry.example.com',
  };

  it('is valid, with PostgreSQL, Temporal and each of Gantry’s roles from one image', () => {
    const answer = config(env(secrets));
    expect(answer.stderr).toBe('');
    expect(answer.status).toBe(0);
    const compose = YAML.parse(answer.stdout) as {
      services: Record<
        string,
        { image?: string; command?: string[]; environment?: Record<string, string> }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual([
      'migrate',
      'postgresql',
      'serve',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    const roles = ['migrate', 'serve', 'worker'].map((name) => compose.services[name]!);
    expect(new Set(roles.map((role) => role.image))).toEqual(new Set(['gantry:latest']));
    expect(roles.map((role) => role.command)).toEqual([['migrate'], ['serve'], ['worker']]);
    // What Compose gives each role is a configuration Gantry starts with.
    for (const role of roles) {
      const loaded = loadConfig({ ...role.environment });
      expect(loaded.DATABASE_URL).toBe('postgres://gantry:pg-secret@postgresql:5432/gantry');
      expect(loaded.TEMPORAL_ADDRESS).toBe('temporal:7233');
    }
    // Only the API holds the admin token.
    expect(compose.services.serve!.environment!.GANTRY_ADMIN_TOKEN).toBe(
      secrets.GANTRY_ADMIN_TOKEN,
    );
    expect(compose.services.worker!.environment!.GANTRY_ADMIN_TOKEN).toBeUndefined();
  });

  it('refuses to start without the secrets an operator must set, naming them', () => {
    const answer = config(env({ ...secrets, POSTGRES_PASSWORD: '' }));
    expect(answer.status).not.toBe(0);
    expect(answer.stderr).toContain('set POSTGRES_PASSWORD in .env');
  });

  it('lists in .env.example every variable the file requires', () => {
    const required = [
      ...fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8').matchAll(/\$\{(\w+):\?/g),
    ].map((match) => match[1]!);
    const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    for (const name of new Set(required)) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('gives Temporal the task queues of one partition that Gantry’s dev server has', () => {
    const answer = config(env(secrets));
    const temporal = (
      YAML.parse(answer.stdout) as {
        services: Record<string, { environment: Record<string, string>; volumes: unknown[] }>;
      }
    ).services.temporal!;
    expect(temporal.environment.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/gantry.yaml');
    expect(JSON.stringify(temporal.volumes)).toContain(
      '/etc/temporal/config/dynamicconfig/gantry.yaml',
    );
    const file = YAML.parse(
      fs.readFileSync(path.join(root, 'temporal/dynamicconfig.yaml'), 'utf8'),
    ) as Record<string, Array<{ value: unknown }>>;
    expect(
      Object.entries(file).map(([key, values]) => `${key}=${String(values[0]!.value)}`),
    ).toEqual(ONE_PARTITION);
  });

  it('keeps .env out of git and out of the image', () => {
    expect(
      execFileSync('git', ['check-ignore', '.env'], { cwd: root, encoding: 'utf8' }).trim(),
    ).toBe('.env');
    expect(fs.readFileSync(path.join(root, '.dockerignore'), 'utf8')).toMatch(/^\.env$/m);
  });
});
