import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Database } from '../db';
import { withClaim } from '../db/lease';
import * as tables from './tables';
import type { SlackIdentity, SlackInstallationRow, SlackSubscription } from './tables';

export type { SlackIdentity, SlackSubscription } from './tables';

/**
 * The Slack app's reads and writes: installations, channel subscriptions, the signed requests
 * already answered, and each run's message in a channel.
 */

/** A workspace the app is installed in, as admins see it: nothing secret. */
export type SlackWorkspace = Omit<SlackInstallationRow, 'encryptedInstallation'>;

/** An installation's row but for the workspace it is keyed by. */
export type SlackInstallationColumns = Omit<SlackInstallationRow, 'teamId'>;

const installations = tables.slackInstallations;
// Everything but the sealed installation.
const workspaceColumns = {
  teamId: installations.teamId,
  teamName: installations.teamName,
  enterpriseId: installations.enterpriseId,
  appId: installations.appId,
  botUserId: installations.botUserId,
  installedBy: installations.installedBy,
  installedAt: installations.installedAt,
};

/** Writes a workspace's installation, replacing the one it had. */
export async function saveInstallation(
  db: Database,
  teamId: string,
  row: SlackInstallationColumns,
): Promise<void> {
  await db
    .insert(installations)
    .values({ teamId, ...row })
    .onConflictDoUpdate({ target: installations.teamId, set: row });
}

/** Reads every workspace's sealed installation, by team ID. */
export async function sealedInstallations(db: Database): Promise<Map<string, string>> {
  const rows = await db
    .select({ teamId: installations.teamId, sealed: installations.encryptedInstallation })
    .from(installations);
  return new Map(rows.map((row) => [row.teamId, row.sealed]));
}

/** Reads every workspace the app is installed in, oldest installation first. */
export async function installedWorkspaces(db: Database): Promise<SlackWorkspace[]> {
  return db
    .select(workspaceColumns)
    .from(installations)
    .orderBy(asc(installations.installedAt), asc(installations.teamId));
}

/** Deletes a workspace's installation; the workspace, if there was one. */
export async function removeInstallation(
  db: Database,
  teamId: string,
): Promise<SlackWorkspace | undefined> {
  const [removed] = await db
    .delete(installations)
    .where(eq(installations.teamId, teamId))
    .returning(workspaceColumns);
  return removed;
}

/** Deletes a workspace's installation when its bot user is one of `botUserIds`. */
export async function removeInstallationOfBot(
  db: Database,
  teamId: string,
  botUserIds: string[],
): Promise<SlackWorkspace | undefined> {
  const [removed] = await db
    .delete(installations)
    .where(and(eq(installations.teamId, teamId), inArray(installations.botUserId, botUserIds)))
    .returning(workspaceColumns);
  return removed;
}

/** A channel of a workspace, as subscribed to a stack. */
export interface ChannelOfStack {
  stackId: string;
  teamId: string;
  channelId: string;
}

const subscriptions = tables.slackSubscriptions;

/** The subscription of the channel to the stack. */
function subscriptionOf(channel: ChannelOfStack) {
  return and(
    eq(subscriptions.stackId, channel.stackId),
    eq(subscriptions.teamId, channel.teamId),
    eq(subscriptions.channelId, channel.channelId),
  );
}

/** The settings columns of a subscription, as SubscriptionSettings has them. */
export interface SubscriptionSettingsColumns {
  events: string[];
  onlyFailures: boolean;
  branches: string;
  types: string[];
}

/** Reads a channel's subscription to a stack, refused or not. */
export async function subscriptionOfChannel(
  db: Database,
  channel: ChannelOfStack,
): Promise<SlackSubscription | undefined> {
  const [row] = await db.select().from(subscriptions).where(subscriptionOf(channel));
  return row;
}

/**
 * Writes a channel's subscription to a stack with these settings: a new one under
 * `subscription.id`, or the existing one under its own id, resumed if Slack had refused it.
 */
export async function saveSubscription(
  db: Database,
  subscription: ChannelOfStack & {
    id: string;
    channelName: string;
    subscribedBy: string;
    settings: SubscriptionSettingsColumns;
  },
): Promise<SlackSubscription> {
  const { settings, ...row } = subscription;
  const [saved] = await db
    .insert(subscriptions)
    .values({ ...row, ...settings })
    .onConflictDoUpdate({
      target: [subscriptions.stackId, subscriptions.teamId, subscriptions.channelId],
      set: {
        channelName: row.channelName,
        subscribedBy: row.subscribedBy,
        ...settings,
        refusedAt: null,
        refusedReason: null,
      },
    })
    .returning();
  return saved!;
}

/** Reads a subscription by its id. */
export async function subscriptionById(
  db: Database,
  id: string,
): Promise<SlackSubscription | undefined> {
  const [row] = await db.select().from(subscriptions).where(eq(subscriptions.id, id));
  return row;
}

/** Writes a subscription's settings; the subscription, or nothing when there is none. */
export async function updateSubscriptionSettings(
  db: Database,
  id: string,
  settings: SubscriptionSettingsColumns,
): Promise<SlackSubscription | undefined> {
  const [row] = await db
    .update(subscriptions)
    .set(settings)
    .where(eq(subscriptions.id, id))
    .returning();
  return row;
}

/** Deletes a subscription by its id; the subscription, if there was one. */
export async function deleteSubscription(
  db: Database,
  id: string,
): Promise<SlackSubscription | undefined> {
  const [row] = await db.delete(subscriptions).where(eq(subscriptions.id, id)).returning();
  return row;
}

/** Reads the subscriptions of one conversation, to every stack, by stack. */
export async function subscriptionsOfConversation(
  db: Database,
  teamId: string,
  channelId: string,
): Promise<SlackSubscription[]> {
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.teamId, teamId), eq(subscriptions.channelId, channelId)))
    .orderBy(asc(subscriptions.stackId));
}

/** Reads a stack's subscriptions in one workspace, refused ones included, oldest first. */
export async function subscriptionsOfStackInTeam(
  db: Database,
  stackId: string,
  teamId: string,
): Promise<SlackSubscription[]> {
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.stackId, stackId), eq(subscriptions.teamId, teamId)))
    .orderBy(asc(subscriptions.id));
}

/** Reads every subscription, by stack and then oldest first. */
export async function allSubscriptions(db: Database): Promise<SlackSubscription[]> {
  return db.select().from(subscriptions).orderBy(asc(subscriptions.stackId), asc(subscriptions.id));
}

/** Deletes a channel's subscription to a stack; false when there was none. */
export async function unsubscribeChannel(db: Database, channel: ChannelOfStack): Promise<boolean> {
  const removed = await db
    .delete(subscriptions)
    .where(subscriptionOf(channel))
    .returning({ id: subscriptions.id });
  return removed.length > 0;
}

/** Reads when and why Slack refused a channel's subscription to a stack, if it did. */
export async function refusalOfChannel(db: Database, channel: ChannelOfStack) {
  const [refused] = await db
    .select({ at: subscriptions.refusedAt, reason: subscriptions.refusedReason })
    .from(subscriptions)
    .where(and(subscriptionOf(channel), isNotNull(subscriptions.refusedAt)));
  return refused;
}

/**
 * Reads the stack's subscriptions that still take run messages (not refused, in a workspace the
 * app is installed in), by id.
 */
export async function subscriptionsOfStack(
  db: Database,
  stackId: string,
): Promise<SlackSubscription[]> {
  const rows = await db
    .select({ subscription: subscriptions })
    .from(subscriptions)
    .innerJoin(installations, eq(installations.teamId, subscriptions.teamId))
    .where(and(eq(subscriptions.stackId, stackId), isNull(subscriptions.refusedAt)))
    .orderBy(subscriptions.id);
  return rows.map((row) => row.subscription);
}

/** Writes that Slack refused a subscription's channel for good, with Slack's error code. */
export async function refuseSubscription(
  db: Database,
  subscriptionId: string,
  reason: string,
): Promise<void> {
  await db
    .update(subscriptions)
    .set({ refusedAt: new Date(), refusedReason: reason })
    .where(eq(subscriptions.id, subscriptionId));
}

/** Writes a verified request's signature; false when it was already written. */
export async function firstSightOfSignature(db: Database, signature: string): Promise<boolean> {
  const seen = tables.slackRequestsSeen;
  const added = await db
    .insert(seen)
    .values({ signature })
    .onConflictDoNothing()
    .returning({ signature: seen.signature });
  return added.length > 0;
}

/** Deletes the signatures seen longer than `keptForSeconds` ago. */
export async function forgetSignaturesSeenBefore(
  db: Database,
  keptForSeconds: number,
): Promise<void> {
  const seen = tables.slackRequestsSeen;
  await db
    .delete(seen)
    .where(lt(seen.seenAt, sql`now() - make_interval(secs => ${keptForSeconds})`));
}

/** Which run's message, in which channel of which workspace. */
export interface RunMessageKey {
  runId: string;
  teamId: string;
  channelId: string;
}

const messages = tables.slackRunMessages;

function runMessageOf(key: RunMessageKey) {
  return and(
    eq(messages.runId, key.runId),
    eq(messages.teamId, key.teamId),
    eq(messages.channelId, key.channelId),
  )!;
}

/**
 * Writes the run message's row if it has none, then runs `work` holding it (see withClaim;
 * `what` names the message in the error when another delivery holds it for too long).
 */
export async function holdingRunMessage<T>(
  db: Database,
  key: RunMessageKey,
  what: string,
  work: () => Promise<T>,
): Promise<T> {
  await db
    .insert(messages)
    .values({ runId: key.runId, teamId: key.teamId, channelId: key.channelId })
    .onConflictDoNothing();
  return withClaim(db, messages, runMessageOf(key), what, work);
}

/** Reads the run's message in a channel: its `ts` and the state it shows. */
export async function storedRunMessage(db: Database, key: RunMessageKey) {
  const [posted] = await db.select().from(messages).where(runMessageOf(key));
  return posted;
}

/**
 * Writes the `ts` Slack gave the run's message, the conversation it says the message is in,
 * and the state the message now shows.
 */
export async function recordRunMessage(
  db: Database,
  key: RunMessageKey,
  posted: { ts: string; postedIn: string | null; state: string },
): Promise<void> {
  await db.update(messages).set(posted).where(runMessageOf(key));
}

const identities = tables.slackIdentities;

function identityOf(teamId: string, userId: string) {
  return and(eq(identities.teamId, teamId), eq(identities.userId, userId));
}

/** Reads the Gantry identity a Slack user linked, if they did. */
export async function linkedIdentity(
  db: Database,
  teamId: string,
  userId: string,
): Promise<SlackIdentity | undefined> {
  const [found] = await db.select().from(identities).where(identityOf(teamId, userId));
  return found;
}

/** Writes a Slack user's link to a Gantry identity, replacing the one they had. */
export async function linkIdentity(
  db: Database,
  link: Omit<SlackIdentity, 'linkedAt'>,
): Promise<void> {
  const row = { login: link.login, name: link.name, teams: link.teams, linkedAt: new Date() };
  await db
    .insert(identities)
    .values({ teamId: link.teamId, userId: link.userId, ...row })
    .onConflictDoUpdate({ target: [identities.teamId, identities.userId], set: row });
}

/** Deletes a Slack user's link (only the one made at `linkedAt`, if given); the identity it had. */
export async function unlinkIdentity(
  db: Database,
  teamId: string,
  userId: string,
  linkedAt?: Date,
): Promise<SlackIdentity | undefined> {
  const [removed] = await db
    .delete(identities)
    .where(
      and(identityOf(teamId, userId), ...(linkedAt ? [eq(identities.linkedAt, linkedAt)] : [])),
    )
    .returning();
  return removed;
}

const linkCodes = tables.slackLinkCodes;

/** Writes a link code's hash with the identity it links to, and forgets expired codes. */
export async function storeLinkCode(
  db: Database,
  code: { codeHash: string; login: string; name: string; teams: string[]; expiresAt: Date },
): Promise<void> {
  await db.delete(linkCodes).where(lt(linkCodes.expiresAt, new Date()));
  await db.insert(linkCodes).values(code);
}

/** Deletes an unexpired link code, answering the identity it linked to: a code works once. */
export async function takeLinkCode(db: Database, codeHash: string) {
  const [taken] = await db
    .delete(linkCodes)
    .where(and(eq(linkCodes.codeHash, codeHash), gt(linkCodes.expiresAt, new Date())))
    .returning();
  return taken;
}
