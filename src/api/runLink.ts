import express, { type Router } from 'express';
import { runGraphiqlPath, stackGraphiqlPath } from '../runs/links';

// Stack ids are slugs and run ids ULIDs; anything else is no run's link.
const STACK_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const RUN_ID = /^[0-9A-Za-z]{1,64}$/;

/**
 * GET /stack/:stackId/run/:runId, the link GitLab shows beside a run's commit status, note and
 * deployment. Gantry has no web UI of its own, so it opens GraphiQL with the run's query ready:
 * with an API token in the headers tab, one click shows the run.
 */
export function runLinkRouter(): Router {
  const router = express.Router({ mergeParams: true });
  router.get('/', (req, res) => {
    const { stackId = '', runId = '' } = req.params as { stackId?: string; runId?: string };
    if (!STACK_ID.test(stackId) || !RUN_ID.test(runId)) {
      res.status(404).json({ error: `no run "${runId}" of stack "${stackId}"` });
      return;
    }
    res.redirect(302, runGraphiqlPath(stackId, runId));
  });
  return router;
}

/**
 * GET /stack/:stackId, where a stack's link leads (spacectl's `stack open`): like a run's
 * link, GraphiQL with the stack's query ready.
 */
export function stackLinkRouter(): Router {
  const router = express.Router({ mergeParams: true });
  router.get('/', (req, res) => {
    const { stackId = '' } = req.params as { stackId?: string };
    if (!STACK_ID.test(stackId)) {
      res.status(404).json({ error: `no stack "${stackId}"` });
      return;
    }
    res.redirect(302, stackGraphiqlPath(stackId));
  });
  return router;
}
