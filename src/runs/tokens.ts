import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import type { Viewer } from '../auth/viewer';
import type { Database } from '../db';
import { AuthenticationError } from '../platform/errors';
import { stacksByIds } from '../stacks/store';
import { lastTransitionSeq, runsByIds, type Run } from './store';
import { RunState, RunType } from './types';

// Spacelift's provider reads a run's token unverified and takes it for a run's only with this
// issuer and a subject of `<stackId>/<runId>` (its spacelift_current_stack data source).
const ISSUER = 'spacelift';
const VIEWER_PREFIX = 'run/';

/** The phases that run tools, each the state its run is in while it runs. */
export type PhaseState =
  RunState.INITIALIZING | RunState.PLANNING | RunState.APPLYING | RunState.PERFORMING;

/**
 * The API tokens of runs (SPACELIFT_API_TOKEN), as Spacelift gives them: every tracked run and
 * task gets one, so the Terraform provider inside a run reaches Gantry. An administrative
 * stack's token is an admin of the stack's space and the spaces under it; any other stack's is
 * no admin and in no team, so the API refuses it what only admins may do. Proposed runs, which
 * plan code from any branch before anyone reviewed it, get none.
 *
 * A token is a JWT (HS256, under a key of its own derived from GANTRY_ENCRYPTION_KEY), issued
 * for one phase of one run and never stored. It works only while its run is in that phase's
 * state and its time is not up (the phase's deadline, at most the run's time limit): every
 * request checks the run's row, so a token stops working as soon as its phase's end is
 * recorded, and one copied out of a run is worth nothing after it. Whether it is an admin is
 * read from the stack on every request too: a stack that stops being administrative takes its
 * runs' admin rights with it at once. Its audience is the API's public address, where
 * Spacelift's clients send their requests.
 */
export class RunTokens {
  constructor(private readonly deps: { db: Database; key: Uint8Array; audience: string }) {}

  /** Whether runs of this type get a token. */
  static given(run: Pick<Run, 'type'>): boolean {
    return run.type !== RunType.PROPOSED;
  }

  /** The run whose token the viewer holds, or undefined for anyone else. */
  static runOf(viewer: Pick<Viewer, 'id'>): string | undefined {
    if (!viewer.id.startsWith(VIEWER_PREFIX)) return undefined;
    return viewer.id.slice(viewer.id.lastIndexOf('/') + 1);
  }

  /** Whether a bearer token claims to be a run's; verifying it is viewerOf's. */
  static claimsRun(jwt: string): boolean {
    try {
      return decodeJwt(jwt).iss === ISSUER;
    } catch {
      return false;
    }
  }

  /** Where the token's holder reaches the API: its audience. */
  get endpoint(): string {
    return this.deps.audience;
  }

  /** A token for the phase of `run` now running, valid until `expiresAt` (epoch ms) at most. */
  async issue(run: Pick<Run, 'id' | 'stackId'>, state: PhaseState, expiresAt: number) {
    const issuedAt = Math.floor(Date.now() / 1000);
    // The visit to the state: a run that comes back to it (a replan) has a new one.
    const seq = (await lastTransitionSeq(this.deps.db, run.id)) ?? -1;
    return new SignJWT({ state, seq })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(`${run.stackId}/${run.id}`)
      .setAudience(this.deps.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(Math.max(issuedAt + 1, Math.floor(expiresAt / 1000)))
      .sign(this.deps.key);
  }

  /** The viewer a run's token stands for now, or an AuthenticationError saying why none. */
  async viewerOf(jwt: string): Promise<Viewer & { validUntil: number }> {
    let claims: { sub?: string; exp?: number; state?: unknown; seq?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(jwt, this.deps.key, {
        issuer: ISSUER,
        algorithms: ['HS256'],
      }));
    } catch (error) {
      throw new AuthenticationError(
        error instanceof errors.JWTExpired
          ? "this run's token has expired with its phase's time; a run's token works only while its run does"
          : "the token is not a run's token Gantry issued; inside a run use its SPACELIFT_API_TOKEN, elsewhere an API key",
      );
    }
    const subject = claims.sub ?? '';
    const slash = subject.lastIndexOf('/');
    const stackId = subject.slice(0, slash);
    const runId = subject.slice(slash + 1);
    const [[run], [stack], seq] = await Promise.all([
      runsByIds(this.deps.db, [runId]),
      stacksByIds(this.deps.db, [stackId]),
      lastTransitionSeq(this.deps.db, runId),
    ]);
    if (
      !run ||
      !stack ||
      run.stackId !== stack.id ||
      run.state !== claims.state ||
      (seq ?? -1) !== claims.seq
    ) {
      throw new AuthenticationError(
        `run ${runId} of stack "${stackId}" has left the phase its token was issued for, and the token with it; a run's token works only while its run does`,
      );
    }
    return {
      id: `${VIEWER_PREFIX}${stackId}/${runId}`,
      name: `run ${runId} of stack ${stack.name}`,
      admin: stack.administrative,
      teams: [],
      avatarURL: '',
      spaceScope: stack.space,
      validUntil: claims.exp!,
    };
  }
}
