import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Logger } from './logger';

/**
 * A secret generated once into the data dir and reused on every later start, readable only by
 * the user who runs Gantry.
 */
export async function loadOrCreateSecret(dataDir: string, fileName: string): Promise<string> {
  const file = path.join(dataDir, fileName);
  const existing = await fs.readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new Error(`reading "${file}": ${error.message}`);
  });
  if (existing?.trim()) return existing.trim();
  await fs.mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await fs.writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

// A lock is kept fresh while held; one left by a killed process goes stale after this long,
// and whoever wants it waits that long rather than failing at once.
const LOCK_STALE_MS = 10_000;

/**
 * Takes a directory for this process alone, for files that two processes must never share.
 * Throws `busyMessage` when another live process holds it.
 */
export async function lockDirectory(
  dir: string,
  options: { busyMessage: string; logger?: Logger },
): Promise<() => Promise<void>> {
  await fs.mkdir(dir, { recursive: true });
  return lockfile
    .lock(dir, {
      lockfilePath: `${dir}.lock`,
      stale: LOCK_STALE_MS,
      retries: { retries: 12, minTimeout: 1_000, maxTimeout: 1_000 },
      onCompromised: (error) =>
        options.logger?.error({ err: error, dir }, 'lock was taken over by another process'),
    })
    .catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ELOCKED' ? new Error(options.busyMessage) : error;
    });
}
