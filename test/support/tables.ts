import * as auth from '../../src/auth/tables';
import * as contexts from '../../src/contexts/tables';
import * as gitlab from '../../src/gitlab/tables';
import * as policy from '../../src/policy/tables';
import * as runs from '../../src/runs/tables';
import * as slack from '../../src/slack/tables';
import * as spaces from '../../src/spaces/tables';
import * as stacks from '../../src/stacks/tables';
import * as state from '../../src/state/tables';
import * as workerPools from '../../src/workerPools/tables';

/**
 * Every noun's tables, for tests that arrange rows or look at them directly. Gantry's own code
 * reaches a noun's tables only through that noun's folder.
 */
export const schema = {
  ...auth,
  ...contexts,
  ...gitlab,
  ...policy,
  ...runs,
  ...slack,
  ...spaces,
  ...stacks,
  ...state,
  ...workerPools,
};
