import DataLoader from 'dataloader';
import { higherOf, type AccessLevel, type StackAccessPolicy } from '../auth/access';
import type { Viewer } from '../auth/viewer';
import type { Database } from '../db';
import type { PolicyEvaluator, PolicyRef, SlackInput, StackPolicyInput } from './evaluator';
import { attachedPolicies } from './store';
import type { Stack } from '../stacks/service';

/** Where an API request comes from, as `input.request` shows it. */
export interface RequestOrigin {
  remoteIp: string;
  timestampNs: number;
}

/**
 * Stack access policies applied to people: a deny from any attached policy takes everything
 * away, even what teams give; otherwise a person gets the more of what their teams and the
 * policies grant. Slack requests have no teams: only policies can let them in.
 */
export class PolicyAccess {
  constructor(private readonly deps: { db: Database; evaluator: PolicyEvaluator }) {}

  /**
   * The decisions of one API request. The policies attached to every stack it asks about are
   * read together, once, so a list of a thousand stacks costs one query.
   */
  forRequest(origin: RequestOrigin): StackAccessPolicy {
    const attached = new DataLoader<string, PolicyRef[]>((stackIds) =>
      attachedPolicies(this.deps.db, stackIds),
    );
    return {
      decide: async (viewer: Viewer, stack: Stack, fromTeams: AccessLevel) => {
        const policies = await attached.load(stack.id);
        if (policies.length === 0) return fromTeams;
        const verdict = await this.deps.evaluator.decide(policies, {
          request: { remote_ip: origin.remoteIp, timestamp_ns: origin.timestampNs },
          session: {
            login: viewer.id,
            name: viewer.name,
            teams: viewer.teams,
            // A run's token is an admin of its stack's space only, which policies do not see.
            admin: viewer.admin && viewer.spaceScope === undefined,
          },
          stack: stackInput(stack),
        });
        if (verdict.deny) return 'none';
        return higherOf(verdict.grant, fromTeams);
      },
    };
  }

  /**
   * What a Slack request may do with a stack: nothing unless an attached policy allows it.
   * A linked Slack user's Gantry identity is the input's `session`, as for an API request,
   * but its teams give nothing by themselves: policies decide, seeing both.
   */
  async forSlack(
    stack: Stack,
    slack: SlackInput,
    identity?: { login: string; name: string; teams: string[] },
  ): Promise<AccessLevel> {
    const [policies] = await attachedPolicies(this.deps.db, [stack.id]);
    if (!policies?.length) return 'none';
    const verdict = await this.deps.evaluator.decide(policies, {
      slack,
      ...(identity
        ? {
            session: {
              login: identity.login,
              name: identity.name,
              teams: identity.teams,
              admin: false,
            },
          }
        : {}),
      stack: stackInput(stack),
    });
    return verdict.deny ? 'none' : verdict.grant;
  }
}

export function stackInput(stack: Stack): StackPolicyInput {
  return {
    id: stack.id,
    name: stack.name,
    labels: stack.labels,
    branch: stack.branch,
    repository: stack.repository,
    administrative: stack.administrative,
  };
}
