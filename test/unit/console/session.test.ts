import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { ADMIN_VIEWER } from '../../../src/auth/viewer';
import { ConsoleSessions } from '../../../src/console/session';

describe("the console's session cookies", () => {
  const cookiesFor = async (publicUrl: string) => {
    const set: string[] = [];
    const res = { append: (_name: string, value: string) => set.push(value) };
    await new ConsoleSessions(randomBytes(32), { publicUrl, adminToken: undefined }).start(
      res as unknown as Response,
      { viewer: ADMIN_VIEWER, with: 'apiKey' },
    );
    return set;
  };

  it('are Secure when Gantry is served over https', async () => {
    expect(await cookiesFor('https://gantry.example.com')).toEqual([
      expect.stringMatching(
        /^gantry_session=[^;]+; Max-Age=28800; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
      ),
      expect.stringMatching(/^gantry_csrf=[^;]+; Max-Age=28800; Path=\/; Secure; SameSite=Lax$/),
    ]);
  });

  it('are not Secure over plain http, where a browser would drop them', async () => {
    for (const cookie of await cookiesFor('http://localhost:3000')) {
      expect(cookie).not.toContain('Secure');
    }
  });
});
