import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/platform/config';

describe('loadConfig', () => {
  it('runs embedded with the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      TEMPORAL_NAMESPACE: 'default',
      GANTRY_SLACK_COMMAND: '/gantry',
      SLACK_API_URL: 'https://slack.com/api/',
      dataDir: path.resolve('.data'),
      publicUrl: 'http://localhost:3000',
      embeddedDatabase: true,
      embeddedTemporal: true,
      temporalAddress: '127.0.0.1:7233',
    });
  });

  it('uses external PostgreSQL and Temporal when they are named', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://gantry:secret@db:5432/gantry',
      TEMPORAL_ADDRESS: 'temporal:7233',
      GANTRY_PUBLIC_URL: 'https://gantry.example.com/',
      PORT: '8080',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      embeddedDatabase: false,
      embeddedTemporal: false,
      temporalAddress: 'temporal:7233',
      publicUrl: 'https://gantry.example.com',
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: '' }).embeddedDatabase).toBe(true);
  });

  it.each([
    ['PORT', 'abc', /PORT: must be a port number from 1 to 65535 \(got "abc"\)/],
    ['PORT', '70000', /PORT: must be a port number/],
    ['DATABASE_URL', 'mysql://db/gantry', /DATABASE_URL: must be a postgres/],
    ['TEMPORAL_ADDRESS', 'temporal', /TEMPORAL_ADDRESS: must be host:port/],
    ['GANTRY_PUBLIC_URL', 'gantry.example.com', /GANTRY_PUBLIC_URL: must be an http\(s\) URL/],
    ['GANTRY_ENCRYPTION_KEY', 'short', /GANTRY_ENCRYPTION_KEY: must be 32 random bytes in base64/],
    ['GANTRY_ADMIN_TOKEN', 'abc', /GANTRY_ADMIN_TOKEN: must be at least 16 characters/],
    ['GANTRY_SLACK_COMMAND', 'gantry', /GANTRY_SLACK_COMMAND: must be a slash command/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: /],
  ])('refuses %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('does not repeat a bad DATABASE_URL, which holds the password', () => {
    const message = (() => {
      try {
        loadConfig({ DATABASE_URL: 'mysql://gantry:s3cr3t-pw@db/gantry' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('DATABASE_URL: must be a postgres');
    expect(message).not.toContain('s3cr3t-pw');
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'abc', TEMPORAL_ADDRESS: 'nope' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        expect.stringMatching(/^PORT: /),
        expect.stringMatching(/^TEMPORAL_ADDRESS: /),
      ]);
    }
  });

  it('takes a provider mirror as a directory or an https:// network mirror', () => {
    expect(
      loadConfig({ GANTRY_PROVIDER_MIRROR: '/srv/providers/' }).GANTRY_PROVIDER_MIRROR,
    ).toEqual({
      kind: 'filesystem',
      path: '/srv/providers/',
    });
    expect(
      loadConfig({ GANTRY_PROVIDER_MIRROR: 'https://mirror.example/providers' })
        .GANTRY_PROVIDER_MIRROR,
    ).toEqual({ kind: 'network', url: 'https://mirror.example/providers/' });
    expect(() => loadConfig({ GANTRY_PROVIDER_MIRROR: 'http://mirror.example/' })).toThrow(
      /GANTRY_PROVIDER_MIRROR: must be the absolute path of a directory holding a provider mirror, or the https:\/\/ URL of a network mirror/,
    );
    expect(() => loadConfig({ GANTRY_PROVIDER_MIRROR: 'providers' })).toThrow(ConfigError);
  });
});
