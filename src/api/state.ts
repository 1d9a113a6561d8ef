import basicAuth from 'basic-auth';
import express, { type Request, type Response, type Router } from 'express';
import type { Database } from '../db';
import { inputProblem } from '../platform/input';
import type { StateDownloads } from '../state/downloads';
import type { StateUploads } from '../state/uploads';
import {
  InvalidStateError,
  latestState,
  lockState,
  StateLockedError,
  storeState,
  unlockState,
  verifyStateCredentials,
  type LockInfo,
  type LockOutcome,
} from '../state/store';
import { NotFoundError } from '../platform/errors';

// State files outgrow the API's usual body limit by far.
const MAX_STATE_BYTES = 256 * 1024 * 1024;

/**
 * OpenTofu's `http` backend at /state/:stackId: GET and POST the state, LOCK and UNLOCK it.
 * Only a run of the stack, with its own credentials, gets in.
 */
export function stateRouter(db: Database): Router {
  const router = express.Router({ mergeParams: true });

  // Credentials first: nobody gets a state-sized body read without them.
  router.use(async (req: Request<{ stackId: string }>, res, next) => {
    const credentials = basicAuth(req);
    const access =
      credentials &&
      // No stack, run or secret has a NUL in it, and PostgreSQL would refuse to look for one.
      !inputProblem([req.params.stackId, credentials.name, credentials.pass]) &&
      (await verifyStateCredentials(db, req.params.stackId, credentials.name, credentials.pass));
    if (!access) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Basic realm="gantry state"')
        .set('Connection', 'close')
        .json({ error: 'state access needs the credentials of a run of this stack' });
      return;
    }
    if (access.readOnly && req.method !== 'GET' && req.method !== 'HEAD') {
      res.status(403).set('Connection', 'close').json({
        error:
          'a proposed run may only read the state; tracked runs and tasks of the stack change it',
      });
      return;
    }
    res.locals.runId = access.runId;
    next();
  });
  router.use(express.raw({ type: () => true, limit: MAX_STATE_BYTES }));

  router.get('/', async (req: Request<{ stackId: string }>, res) => {
    const state = await latestState(db, req.params.stackId);
    if (!state) {
      res.status(204).end();
      return;
    }
    res.type('application/json').send(state.content);
  });

  router.post('/', async (req: Request<{ stackId: string }>, res) => {
    try {
      await storeState(db, {
        stackId: req.params.stackId,
        content: bodyOf(req),
        lockId: typeof req.query.ID === 'string' ? req.query.ID : undefined,
        runId: res.locals.runId as string,
      });
      res.status(200).end();
    } catch (error) {
      if (error instanceof StateLockedError) {
        res.status(423).json(error.holder);
      } else if (error instanceof InvalidStateError) {
        res.status(400).json({ error: error.message });
      } else {
        throw error;
      }
    }
  });

  router.delete('/', (_req, res) => {
    res.status(405).json({ error: 'a managed stack keeps its state; delete the stack instead' });
  });

  router.lock('/', async (req: Request<{ stackId: string }>, res) => {
    const info = lockInfoOf(req, res);
    if (!info) return;
    answer(
      res,
      await lockState(db, { stackId: req.params.stackId, info, runId: res.locals.runId as string }),
    );
  });

  router.unlock('/', async (req: Request<{ stackId: string }>, res) => {
    const info = lockInfoOf(req, res);
    if (!info) return;
    answer(res, await unlockState(db, { stackId: req.params.stackId, lockId: info.ID }));
  });

  return router;
}

/**
 * PUT /state-uploads/:objectId: an existing state file for a stack about to be created, at a
 * URL from stateUploadUrl whose signature is its authorization.
 */
export function stateUploadRouter(uploads: StateUploads): Router {
  const router = express.Router({ mergeParams: true });
  router.put(
    '/',
    // The signature first: nobody gets a state-sized body read without one.
    (req: Request<{ objectId: string }>, res, next) => {
      const { expires, signature } = req.query;
      if (
        typeof expires !== 'string' ||
        typeof signature !== 'string' ||
        !uploads.verify(req.params.objectId, expires, signature)
      ) {
        res.status(403).set('Connection', 'close').json({
          error: 'the upload URL is not valid or has expired; ask for a new stateUploadUrl',
        });
        return;
      }
      next();
    },
    express.raw({ type: () => true, limit: MAX_STATE_BYTES }),
    async (req: Request<{ objectId: string }>, res) => {
      try {
        await uploads.store(req.params.objectId, bodyOf(req));
        res.status(200).end();
      } catch (error) {
        if (error instanceof InvalidStateError) res.status(400).json({ error: error.message });
        else if (error instanceof NotFoundError) res.status(404).json({ error: error.message });
        else throw error;
      }
    },
  );
  return router;
}

function bodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

function lockInfoOf(req: Request, res: Response): LockInfo | undefined {
  try {
    const info = JSON.parse(bodyOf(req).toString('utf8')) as LockInfo;
    // Stored as JSON and text: PostgreSQL keeps no NUL characters.
    if (typeof info.ID === 'string' && info.ID !== '' && !inputProblem(info)) return info;
  } catch {
    // Answered below.
  }
  res.status(400).json({
    error: 'lock request body must be JSON lock info with an "ID", and no NUL characters',
  });
  return undefined;
}

function answer(res: Response, outcome: LockOutcome) {
  if (outcome.ok) res.status(200).end();
  else res.status(423).json(outcome.holder);
}

/**
 * GET /state-downloads/:stackId: the stack's current state file, at a URL from
 * stateDownloadUrl whose signature is its authorization.
 */
export function stateDownloadRouter(db: Database, downloads: StateDownloads): Router {
  const router = express.Router({ mergeParams: true });
  router.get('/', async (req: Request<{ stackId: string }>, res) => {
    const { expires, signature } = req.query;
    if (
      typeof expires !== 'string' ||
      typeof signature !== 'string' ||
      !downloads.verify(req.params.stackId, expires, signature)
    ) {
      res.status(403).json({
        error: 'the download URL is not valid or has expired; ask for a new stateDownloadUrl',
      });
      return;
    }
    const state = await latestState(db, req.params.stackId);
    if (!state) {
      res.status(404).json({ error: `stack "${req.params.stackId}" has no state yet` });
      return;
    }
    res.type('application/json').send(state.content);
  });
  return router;
}
