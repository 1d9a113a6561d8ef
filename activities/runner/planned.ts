import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { digestOf, LOCK_FILE, PLAN_FILE, type Workspace } from './workspace';

interface Planned {
  workspace: Workspace;
  /** The digest of what the plan phase stored of the workspace (the sealed archive). */
  stored: string;
  /** The digests of the plan and the lock file as they were stored. */
  files: string;
  timer: NodeJS.Timeout;
}

/**
 * The workspaces runs planned in on this worker, kept for their apply: an apply that comes to
 * the worker that planned finds the workspace initialized, and needs neither the stored copy
 * nor another `tofu init`. A kept workspace is only used when it is still exactly what was
 * stored of it, since what is applied must be what was confirmed: the stored workspace is the
 * one it was packed into (a replan elsewhere stores another), and its plan and lock file are as
 * they were then. Nothing of the run runs between its phases, and no other run can reach the
 * workspace (each run's sandbox holds its own workspace only).
 *
 * Kept workspaces hold the run's file mounts, so they are not kept for long: at most
 * `keepMs`, and at most `max` at once (the oldest goes first). A run discarded, or applied on
 * another worker, leaves its workspace here until then.
 */
export class PlannedWorkspaces {
  private readonly kept = new Map<string, Planned>();

  constructor(private readonly options: { max: number; keepMs: number }) {}

  /** Keeps the workspace `runId` planned in, stored as `stored`. */
  async keep(runId: string, workspace: Workspace, stored: Buffer): Promise<void> {
    const files = await fileDigests(workspace);
    await this.discard(runId);
    const timer = setTimeout(() => void this.discard(runId), this.options.keepMs);
    timer.unref();
    this.kept.set(runId, { workspace, stored: digest(stored), files, timer });
    for (const oldest of [...this.kept.keys()].slice(0, -this.options.max)) {
      await this.discard(oldest);
    }
  }

  /**
   * The workspace `runId` planned in, when it is here and still what `stored` (the run's
   * stored workspace, as it is now) was packed from; the caller owns it from then on and
   * removes it. Otherwise nothing, and a kept workspace that does not match is removed.
   */
  async take(runId: string, stored: Buffer): Promise<Workspace | undefined> {
    const planned = this.kept.get(runId);
    if (!planned) return undefined;
    this.kept.delete(runId);
    clearTimeout(planned.timer);
    const intact =
      planned.stored === digest(stored) &&
      planned.files === (await fileDigests(planned.workspace).catch(() => undefined));
    if (intact) return planned.workspace;
    await fs.rm(planned.workspace.root, { recursive: true, force: true });
    return undefined;
  }

  /** Removes the workspace `runId` planned in, if it is kept. */
  async discard(runId: string): Promise<void> {
    const planned = this.kept.get(runId);
    if (!planned) return;
    this.kept.delete(runId);
    clearTimeout(planned.timer);
    await fs.rm(planned.workspace.root, { recursive: true, force: true });
  }

  /** How many workspaces are kept. */
  get size(): number {
    return this.kept.size;
  }
}

function digest(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** One digest of the saved plan and the lock file of the project directory, missing or not. */
async function fileDigests(workspace: Workspace): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [PLAN_FILE, LOCK_FILE]) {
    hash.update(`${file}:${await digestOf(path.join(workspace.dir, file))}\n`);
  }
  return hash.digest('hex');
}
