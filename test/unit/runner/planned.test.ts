import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PlannedWorkspaces } from '../../../activities/runner/planned';
import { layout, LOCK_FILE, PLAN_FILE, type Workspace } from '../../../activities/runner/workspace';

describe('the workspaces a worker planned in, kept for their apply', () => {
  let workRoot: string;

  beforeEach(async () => {
    workRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-work-'));
  });

  afterEach(async () => {
    await fs.rm(workRoot, { recursive: true, force: true });
  });

  /** A planned workspace of run `runId`: a saved plan and a lock file in its project directory. */
  const plannedIn = async (runId: string): Promise<Workspace> => {
    const workspace = layout(path.join(workRoot, runId), 'infra');
    await fs.mkdir(workspace.dir, { recursive: true });
    await fs.writeFile(path.join(workspace.dir, PLAN_FILE), `the plan of ${runId}`);
    await fs.writeFile(path.join(workspace.dir, LOCK_FILE), 'provider "x" {}');
    return workspace;
  };
  const stored = Buffer.from('the sealed archive the plan phase stored');
  const exists = (dir: string) =>
    fs.stat(dir).then(
      () => true,
      () => false,
    );

  it('gives the apply the workspace the run planned in, once, while it is what was stored', async () => {
    const planned = new PlannedWorkspaces({ max: 4, keepMs: 60_000 });
    const workspace = await plannedIn('run-1');
    await planned.keep('run-1', workspace, stored);
    expect(await planned.take('run-1', Buffer.from(stored))).toEqual(workspace);
    expect(await planned.take('run-1', stored)).toBeUndefined();
    // The apply owns it now and removes it itself.
    expect(await exists(workspace.root)).toBe(true);
  });

  it('does not give a workspace whose run stored another since (a replan elsewhere), and removes it', async () => {
    const planned = new PlannedWorkspaces({ max: 4, keepMs: 60_000 });
    const workspace = await plannedIn('run-1');
    await planned.keep('run-1', workspace, stored);
    expect(await planned.take('run-1', Buffer.from('what a replan stored'))).toBeUndefined();
    expect(await exists(workspace.root)).toBe(false);
  });

  it.each([PLAN_FILE, LOCK_FILE])(
    'does not give a workspace whose %s changed since it was stored, and removes it',
    async (file) => {
      const planned = new PlannedWorkspaces({ max: 4, keepMs: 60_000 });
      const workspace = await plannedIn('run-1');
      await planned.keep('run-1', workspace, stored);
      await fs.appendFile(path.join(workspace.dir, file), 'changed');
      expect(await planned.take('run-1', stored)).toBeUndefined();
      expect(await exists(workspace.root)).toBe(false);
    },
  );

  it('never follows a link a run put in place of its plan, and does not give that workspace', async () => {
    const planned = new PlannedWorkspaces({ max: 4, keepMs: 60_000 });
    const workspace = await plannedIn('run-1');
    await planned.keep('run-1', workspace, stored);
    await fs.rm(path.join(workspace.dir, PLAN_FILE));
    await fs.symlink('/dev/zero', path.join(workspace.dir, PLAN_FILE));
    expect(await planned.take('run-1', stored)).toBeUndefined();
    expect(await exists(workspace.root)).toBe(false);
  });

  it('keeps no more than it may, the oldest going first, and none for longer than it may', async () => {
    const planned = new PlannedWorkspaces({ max: 2, keepMs: 300 });
    const workspaces = [];
    for (const runId of ['run-1', 'run-2', 'run-3']) {
      const workspace = await plannedIn(runId);
      await planned.keep(runId, workspace, stored);
      workspaces.push(workspace);
    }
    expect(planned.size).toBe(2);
    expect(await exists(workspaces[0]!.root)).toBe(false);
    expect(await planned.take('run-1', stored)).toBeUndefined();

    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(planned.size).toBe(0);
    expect(await fs.readdir(workRoot)).toEqual([]);
  });

  it("removes a run's workspace when the run starts again from nothing", async () => {
    const planned = new PlannedWorkspaces({ max: 4, keepMs: 60_000 });
    const workspace = await plannedIn('run-1');
    await planned.keep('run-1', workspace, stored);
    await planned.discard('run-1');
    expect(await exists(workspace.root)).toBe(false);
    expect(await planned.take('run-1', stored)).toBeUndefined();
  });
});
