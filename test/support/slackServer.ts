import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';

/**
 * A local HTTP server that speaks the part of Slack's Web API Gantry uses, the way Slack does:
 * `POST /api/<method>` with form or JSON arguments, tokens in `Authorization: Bearer` or a
 * `token` argument, HTTP 200 with `{ ok: false, error }` for every API error, and 429 with
 * Retry-After when rate limited. @slack/web-api and @slack/oauth run against it unchanged,
 * through their slackApiUrl option.
 *
 * New methods are entries in `methods` (see the bottom of the file): a name, who may call it
 * (a token of some kind, or the app's client credentials), and a handler over `SlackData`.
 */

export interface SeedWorkspace {
  /** A team ID such as T0123ABCD; generated when not given. */
  id?: string;
  name: string;
  /** The workspace's subdomain; from the name when not given. */
  domain?: string;
  enterprise?: { id: string; name: string };
}

export interface SeedUser {
  /** A user ID such as U0123ABCD; generated when not given. */
  id?: string;
  teamId: string;
  name: string;
  realName?: string;
  isAdmin?: boolean;
  /** What users.info tells about the person; Slack's defaults when not given. */
  profile?: Partial<SlackProfileRecord>;
}

/** The users.info fields of a person beyond name and admin. */
export interface SlackProfileRecord {
  displayName: string;
  tz: string;
  deleted: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  isRestricted: boolean;
  isUltraRestricted: boolean;
  has2fa: boolean;
  /** In a workspace of an Enterprise Grid: the person's organization-wide ID (W…) and roles. */
  enterpriseUser?: { id: string; isAdmin: boolean; isOwner: boolean; teams: string[] };
}

/** A POST to a response_url, as Slack received it. */
export interface SlackResponseRecord {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SeedApp {
  clientId: string;
  clientSecret: string;
  /** An app ID such as A0123ABCD; generated when not given. */
  id?: string;
  name?: string;
  /** The redirect URLs the app registered; none means any. */
  redirectUrls?: string[];
}

export interface SeedChannel {
  /** A channel ID such as C0123ABCD; generated when not given. */
  id?: string;
  teamId: string;
  name: string;
  isPrivate?: boolean;
  isArchived?: boolean;
  /** User IDs of the members; a bot is a member once added here. */
  members?: string[];
}

export interface SlackChannelRecord {
  id: string;
  teamId: string;
  /** Empty for a direct message, which has no name. */
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  /** A direct message (D…) between one person and a bot: `user` is the person. */
  isIm: boolean;
  user?: string;
  members: Set<string>;
}

/** A message a bot posted, with every version chat.update made of it, oldest first. */
export interface SlackMessageRecord {
  channel: string;
  ts: string;
  teamId: string;
  /** The bot user that posted it, and its bot ID. */
  user: string;
  botId: string;
  text: string;
  blocks: Array<Record<string, unknown>>;
  edits: Array<{ text: string; blocks: Array<Record<string, unknown>> }>;
}

export interface SlackWorkspaceRecord {
  id: string;
  name: string;
  domain: string;
  enterprise?: { id: string; name: string };
}

export interface SlackUserRecord {
  id: string;
  teamId: string;
  name: string;
  realName: string;
  isAdmin: boolean;
  isBot: boolean;
  /** Set for people seeded with addUser; bot users have none. */
  profile?: SlackProfileRecord;
}

export interface SlackAppRecord {
  id: string;
  name: string;
  clientId: string;
  clientSecret: string;
  redirectUrls: string[];
}

/** A bot token, as Slack issues one when an app is installed in a workspace. */
export interface SlackTokenRecord {
  token: string;
  kind: 'bot';
  app: SlackAppRecord;
  team: SlackWorkspaceRecord;
  /** The bot user, and the bot ID Slack knows it by (B…). */
  user: SlackUserRecord;
  botId: string;
  scopes: string[];
  /** Who installed the app, which made the token. */
  installer: SlackUserRecord;
  revoked: boolean;
}

interface CodeRecord {
  app: SlackAppRecord;
  team: SlackWorkspaceRecord;
  user: SlackUserRecord;
  scopes: string[];
  redirectUri: string | undefined;
  expiresAt: number;
}

export interface Failure {
  /** 429 carries Retry-After; 500 and 503 are Slack being down. */
  status: 429 | 500 | 503;
  retryAfterSeconds?: number;
}

export interface LoggedRequest {
  /** The Web API method, such as `oauth.v2.access`. */
  method: string;
  /** The arguments as Slack received them, token and client secret left out. */
  args: Record<string, unknown>;
  /** How the caller identified itself. */
  auth: 'bearer' | 'token-argument' | 'basic' | 'client-arguments' | 'none';
  /** 0 while the call is not yet answered, such as one `delay` holds. */
  status: number;
  /** The `error` of an `ok: false` answer. */
  error?: string;
}

/** How long an OAuth code from the authorize page may be exchanged: ten minutes. */
const CODE_LIFETIME_MS = 10 * 60_000;

/** What the fake Slack knows: apps, workspaces, people, and what installing issued. */
export class SlackData {
  readonly apps = new Map<string, SlackAppRecord>();
  readonly workspaces = new Map<string, SlackWorkspaceRecord>();
  readonly users = new Map<string, SlackUserRecord>();
  readonly tokens = new Map<string, SlackTokenRecord>();
  readonly codes = new Map<string, CodeRecord>();
  readonly ephemerals: Array<{ channel: string; user: string; text: string; ts: string }> = [];
  readonly channels = new Map<string, SlackChannelRecord>();
  readonly messages: SlackMessageRecord[] = [];
  private next = 1;
  private nextTs = 1;

  /** A message timestamp as Slack makes them, such as "1700000000.000100": unique and rising. */
  ts(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(this.nextTs++).padStart(6, '0')}`;
  }

  /** An ID in Slack's style: a prefix letter and eight or more upper-case characters. */
  id(prefix: string): string {
    return `${prefix}${String(this.next++).padStart(4, '0')}${randomBytes(3).toString('hex').toUpperCase()}`;
  }

  workspace(id: string): SlackWorkspaceRecord {
    const found = this.workspaces.get(id);
    if (!found) throw new Error(`no Slack workspace "${id}"`);
    return found;
  }

  user(id: string): SlackUserRecord {
    const found = this.users.get(id);
    if (!found) throw new Error(`no Slack user "${id}"`);
    return found;
  }

  /** The bot user of an app in a workspace: one per installation, kept across reinstalls. */
  botUser(
    app: SlackAppRecord,
    team: SlackWorkspaceRecord,
  ): { user: SlackUserRecord; botId: string } {
    const existing = [...this.tokens.values()].find(
      (token) => token.app === app && token.team === team,
    );
    if (existing) return { user: existing.user, botId: existing.botId };
    const user: SlackUserRecord = {
      id: this.id('U'),
      teamId: team.id,
      name: app.name.toLowerCase().replace(/\W+/g, '_'),
      realName: app.name,
      isAdmin: false,
      isBot: true,
    };
    this.users.set(user.id, user);
    return { user, botId: this.id('B') };
  }

  /**
   * The direct message between a person and a bot user, opened the first time it is needed,
   * as Slack opens one when a bot posts to a member ID.
   */
  imChannel(teamId: string, userId: string, botUserId: string): SlackChannelRecord {
    const existing = [...this.channels.values()].find(
      (channel) =>
        channel.isIm &&
        channel.teamId === teamId &&
        channel.user === userId &&
        channel.members.has(botUserId),
    );
    if (existing) return existing;
    const channel: SlackChannelRecord = {
      id: this.id('D'),
      teamId,
      name: '',
      isPrivate: true,
      isArchived: false,
      isIm: true,
      user: userId,
      members: new Set([userId, botUserId]),
    };
    this.channels.set(channel.id, channel);
    return channel;
  }
}

/** What a method handler gets: the arguments, the caller, and ways to answer as Slack does. */
export interface MethodContext {
  req: Request;
  res: Response;
  data: SlackData;
  /** The method's arguments, from the form or JSON body and the query string. */
  args: Record<string, unknown>;
  /** The caller's token, for methods that take one. */
  token?: SlackTokenRecord;
  /** The app, for methods called with its client credentials. */
  app?: SlackAppRecord;
  /** The client secret the caller gave, for methods called with client credentials. */
  clientSecret?: string;
  ok: (body?: Record<string, unknown>) => void;
  /** HTTP 200 with `{ ok: false, error }`, as Slack answers every API error. */
  fail: (error: string, extra?: Record<string, unknown>) => void;
}

export interface SlackMethod {
  name: string;
  /** `token`: any valid token with `scopes`; `client`: the app's client ID and secret. */
  auth: 'token' | 'client';
  /** The scopes a token needs, any one of them. */
  scopes?: string[];
  handle: (context: MethodContext) => void;
}

export interface SlackServer {
  url: string;
  /** What SLACK_API_URL should be: `<url>/api/`. */
  apiUrl: string;
  close(): Promise<void>;
  addApp(app: SeedApp): SlackAppRecord;
  addWorkspace(workspace: SeedWorkspace): SlackWorkspaceRecord;
  addUser(user: SeedUser): SlackUserRecord;
  addChannel(channel: SeedChannel): SlackChannelRecord;
  /**
   * The direct message (D…) between a person and the workspace's Gantry bot, opened the first
   * time it is asked for, as Slack does; its members are the person and the bot.
   */
  directMessageChannel(teamId: string, userId: string): SlackChannelRecord;
  /** Every message bots posted, in the order they were posted. */
  readonly messages: readonly SlackMessageRecord[];
  /**
   * The person approving the app on Slack's authorize page: the code Slack would append to the
   * redirect URL for these scopes.
   */
  authorize(options: {
    clientId: string;
    teamId: string;
    userId: string;
    scopes: string[];
    redirectUri?: string;
  }): string;
  /** Revokes a token, as auth.revoke or removing the app does. */
  revokeToken(token: string): void;
  /** The next `count` Web API calls, whatever they are, answer with this failure. */
  failNext(count: number, failure: Failure): void;
  /** Every Web API call in the order it arrived. */
  readonly requests: LoggedRequest[];
  /** Calls of `method` from now on answer `ms` later, as a slow Slack would; 0 stops it. */
  delay(method: string, ms: number): void;
  /** A response_url as Slack gives one with a command or an interaction; POSTs go to `responses`. */
  responseUrl(): string;
  /** Every POST to a response_url, in the order it arrived. */
  readonly responses: SlackResponseRecord[];
  /** The POSTs to one response_url so far. */
  responsesAt(responseUrl: string): SlackResponseRecord[];
  /** The first POST to a response_url, once it arrives; rejects after `timeoutMs`. */
  response(responseUrl: string, timeoutMs?: number): Promise<SlackResponseRecord>;
  /** Every chat.postEphemeral that Slack accepted. */
  readonly ephemerals: SlackData['ephemerals'];
  /** Every token issued, revoked ones included. */
  readonly tokens: ReadonlyMap<string, SlackTokenRecord>;
}

/** Starts the fake Slack on a free port of 127.0.0.1. */
export async function startSlackServer(): Promise<SlackServer> {
  const data = new SlackData();
  const requests: LoggedRequest[] = [];
  const failures: Failure[] = [];
  const delays = new Map<string, number>();
  const responses: SlackResponseRecord[] = [];
  const responsesById = new Map<string, SlackResponseRecord[]>();
  const responseWaiters = new Map<string, Array<(record: SlackResponseRecord) => void>>();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());
  app.use(express.urlencoded({ extended: false }));

  app.post('/api/:method', (req, res) => {
    const name = String(req.params.method);
    const args: Record<string, unknown> = {
      ...(req.query as Record<string, unknown>),
      ...((req.body ?? {}) as Record<string, unknown>),
    };
    const shown = Object.fromEntries(
      Object.entries(args).filter(([key]) => key !== 'token' && key !== 'client_secret'),
    );
    const entry: LoggedRequest = { method: name, args: shown, auth: 'none', status: 0 };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });
    const answer = (body: Record<string, unknown>) => {
      if (body.ok === false) entry.error = String(body.error);
      res.status(200).json(body);
    };
    const failure = failures.shift();
    if (failure) {
      if (failure.status === 429) {
        res
          .status(429)
          .set('retry-after', String(failure.retryAfterSeconds ?? 30))
          .json({ ok: false, error: 'ratelimited' });
      } else {
        res.status(failure.status).type('html').send(`<h1>${failure.status}</h1>`);
      }
      return;
    }
    const method = methods.find((found) => found.name === name);
    if (!method) return answer({ ok: false, error: 'unknown_method' });

    const context: MethodContext = {
      req,
      res,
      data,
      args,
      ok: (body = {}) => answer({ ok: true, ...body }),
      fail: (error, extra = {}) => answer({ ok: false, error, ...extra }),
    };
    if (method.auth === 'client') {
      // Slack prefers HTTP Basic for the client credentials and also takes them as arguments.
      const basic = /^Basic (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      const [basicId, basicSecret] = basic
        ? Buffer.from(basic, 'base64').toString().split(':')
        : [];
      entry.auth = basic ? 'basic' : args.client_id ? 'client-arguments' : 'none';
      const clientId = basicId ?? (args.client_id as string | undefined);
      if (!clientId) return context.fail('invalid_client_id');
      const found = [...data.apps.values()].find((candidate) => candidate.clientId === clientId);
      if (!found) return context.fail('invalid_client_id');
      context.app = found;
      context.clientSecret = basicSecret ?? (args.client_secret as string | undefined);
    } else {
      const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
      entry.auth = bearer ? 'bearer' : args.token ? 'token-argument' : 'none';
      const presented = bearer ?? (args.token as string | undefined);
      if (!presented) return context.fail('not_authed');
      const token = data.tokens.get(presented);
      if (!token) return context.fail('invalid_auth');
      if (token.revoked) return context.fail('token_revoked');
      if (method.scopes && !method.scopes.some((scope) => token.scopes.includes(scope))) {
        return context.fail('missing_scope', {
          needed: method.scopes.join(','),
          provided: token.scopes.join(','),
        });
      }
      context.token = token;
    }
    const wait = delays.get(name);
    if (wait) setTimeout(() => method.handle(context), wait);
    else method.handle(context);
  });
  // Slack's response_url hooks take JSON and answer 200 with `ok`.
  app.post('/response/:id', (req, res) => {
    const record = {
      id: String(req.params.id),
      body: (req.body ?? {}) as Record<string, unknown>,
      at: Date.now(),
    };
    responses.push(record);
    responsesById.set(record.id, [...(responsesById.get(record.id) ?? []), record]);
    for (const resolve of responseWaiters.get(record.id) ?? []) resolve(record);
    responseWaiters.delete(record.id);
    res.status(200).type('text').send('ok');
  });
  app.use((_req, res) => {
    res.status(404).type('html').send('<h1>Not Found</h1>');
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    addApp: (seed) => {
      const record: SlackAppRecord = {
        id: seed.id ?? data.id('A'),
        name: seed.name ?? 'Gantry',
        clientId: seed.clientId,
        clientSecret: seed.clientSecret,
        redirectUrls: seed.redirectUrls ?? [],
      };
      data.apps.set(record.id, record);
      return record;
    },
    addWorkspace: (seed) => {
      const record: SlackWorkspaceRecord = {
        id: seed.id ?? data.id('T'),
        name: seed.name,
        domain: seed.domain ?? seed.name.toLowerCase().replace(/\W+/g, '-'),
        ...(seed.enterprise ? { enterprise: seed.enterprise } : {}),
      };
      data.workspaces.set(record.id, record);
      return record;
    },
    addUser: (seed) => {
      data.workspace(seed.teamId);
      const record: SlackUserRecord = {
        id: seed.id ?? data.id('U'),
        teamId: seed.teamId,
        name: seed.name,
        realName: seed.realName ?? seed.name,
        isAdmin: seed.isAdmin ?? false,
        isBot: false,
        profile: {
          displayName: '',
          tz: 'America/Los_Angeles',
          deleted: false,
          isOwner: false,
          isPrimaryOwner: false,
          isRestricted: false,
          isUltraRestricted: false,
          has2fa: false,
          ...(data.workspace(seed.teamId).enterprise
            ? {
                enterpriseUser: {
                  id: data.id('W'),
                  isAdmin: false,
                  isOwner: false,
                  teams: [seed.teamId],
                },
              }
            : {}),
          ...seed.profile,
        },
      };
      data.users.set(record.id, record);
      return record;
    },
    addChannel: (seed) => {
      data.workspace(seed.teamId);
      const record: SlackChannelRecord = {
        id: seed.id ?? data.id('C'),
        teamId: seed.teamId,
        name: seed.name,
        isPrivate: seed.isPrivate ?? false,
        isArchived: seed.isArchived ?? false,
        isIm: false,
        members: new Set(seed.members ?? []),
      };
      data.channels.set(record.id, record);
      return record;
    },
    directMessageChannel: (teamId, userId) => {
      data.workspace(teamId);
      const bot = [...data.tokens.values()].find((token) => token.team.id === teamId);
      if (!bot) throw new Error(`no bot is installed in Slack workspace "${teamId}"`);
      return data.imChannel(teamId, data.user(userId).id, bot.user.id);
    },
    messages: data.messages,
    authorize: ({ clientId, teamId, userId, scopes, redirectUri }) => {
      const found = [...data.apps.values()].find((candidate) => candidate.clientId === clientId);
      if (!found) throw new Error(`no Slack app with client ID "${clientId}"`);
      if (
        redirectUri &&
        found.redirectUrls.length > 0 &&
        !found.redirectUrls.includes(redirectUri)
      ) {
        throw new Error(`"${redirectUri}" is not a redirect URL of the app`);
      }
      const code = `${Date.now()}.${randomBytes(12).toString('hex')}`;
      data.codes.set(code, {
        app: found,
        team: data.workspace(teamId),
        user: data.user(userId),
        scopes,
        redirectUri,
        expiresAt: Date.now() + CODE_LIFETIME_MS,
      });
      return code;
    },
    revokeToken: (token) => {
      const record = data.tokens.get(token);
      if (!record) throw new Error('no such token');
      record.revoked = true;
    },
    failNext: (count, failure) => {
      for (let i = 0; i < count; i++) failures.push(failure);
    },
    requests,
    tokens: data.tokens,
    delay: (method, ms) => {
      delays.set(method, ms);
    },
    responseUrl: () => `${url}/response/${randomBytes(8).toString('hex')}`,
    responses,
    responsesAt: (responseUrl) => [...(responsesById.get(responseIdOf(responseUrl)) ?? [])],
    response: (responseUrl, timeoutMs = 30_000) => {
      const id = responseIdOf(responseUrl);
      const posted = responsesById.get(id)?.[0];
      if (posted) return Promise.resolve(posted);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`nothing was posted to ${responseUrl}`)),
          timeoutMs,
        );
        responseWaiters.set(id, [
          ...(responseWaiters.get(id) ?? []),
          (record) => {
            clearTimeout(timer);
            resolve(record);
          },
        ]);
      });
    },
    ephemerals: data.ephemerals,
  };
}

/** The ID a response_url of this server ends with. */
function responseIdOf(responseUrl: string): string {
  return new URL(responseUrl).pathname.split('/').at(-1)!;
}

/** Slack's methods, as much of each as Gantry uses. */
const methods: SlackMethod[] = [
  {
    name: 'oauth.v2.access',
    auth: 'client',
    handle: ({ data, args, app, clientSecret, ok, fail }) => {
      if (!app || clientSecret !== app.clientSecret) return fail('bad_client_secret');
      if (args.grant_type !== undefined && args.grant_type !== 'authorization_code') {
        return fail('unsupported_grant_type');
      }
      const code = typeof args.code === 'string' ? data.codes.get(args.code) : undefined;
      if (!code || code.app !== app || code.expiresAt < Date.now()) return fail('invalid_code');
      // The redirect URI must be the one the authorize step was given, if it was given one.
      if (code.redirectUri !== undefined && args.redirect_uri !== code.redirectUri) {
        return fail('bad_redirect_uri');
      }
      data.codes.delete(args.code as string);
      const { user: bot, botId } = data.botUser(app, code.team);
      const token = `xoxb-${code.team.id}-${randomBytes(12).toString('hex')}`;
      data.tokens.set(token, {
        token,
        kind: 'bot',
        app,
        team: code.team,
        user: bot,
        botId,
        scopes: code.scopes,
        installer: code.user,
        revoked: false,
      });
      ok({
        app_id: app.id,
        authed_user: { id: code.user.id },
        scope: code.scopes.join(','),
        token_type: 'bot',
        access_token: token,
        bot_user_id: bot.id,
        team: { id: code.team.id, name: code.team.name },
        enterprise: code.team.enterprise ?? null,
        is_enterprise_install: false,
      });
    },
  },
  {
    name: 'auth.test',
    auth: 'token',
    handle: ({ token, ok }) => {
      const { team, user } = token!;
      ok({
        url: `https://${team.domain}.slack.com/`,
        team: team.name,
        user: user.name,
        team_id: team.id,
        user_id: user.id,
        bot_id: token!.botId,
        ...(team.enterprise ? { enterprise_id: team.enterprise.id } : {}),
        is_enterprise_install: false,
      });
    },
  },
  // ---- Messages: chat.postMessage, chat.update ----
  {
    name: 'chat.postMessage',
    auth: 'token',
    scopes: ['chat:write'],
    handle: ({ data, args, token, ok, fail }) => {
      // A member ID posts in the bot's direct message with the person, answered with its D….
      const person = typeof args.channel === 'string' ? data.users.get(args.channel) : undefined;
      if (person && (person.teamId !== token!.team.id || person.isBot)) {
        return fail(person.isBot ? 'cannot_dm_bot' : 'channel_not_found');
      }
      const found = person
        ? data.imChannel(token!.team.id, person.id, token!.user.id)
        : postableChannel(data, token!, args.channel);
      if (typeof found === 'string') return fail(found);
      const { text, blocks } = messageContent(args);
      if (!text && blocks.length === 0) return fail('no_text');
      const message: SlackMessageRecord = {
        channel: found.id,
        ts: data.ts(),
        teamId: token!.team.id,
        user: token!.user.id,
        botId: token!.botId,
        text,
        blocks,
        edits: [],
      };
      data.messages.push(message);
      ok({ channel: found.id, ts: message.ts, message: messageBody(message) });
    },
  },
  {
    name: 'chat.update',
    auth: 'token',
    scopes: ['chat:write'],
    handle: ({ data, args, token, ok, fail }) => {
      const found = postableChannel(data, token!, args.channel);
      if (typeof found === 'string') return fail(found);
      const message = data.messages.find(
        (candidate) => candidate.channel === found.id && candidate.ts === args.ts,
      );
      if (!message) return fail('message_not_found');
      if (message.botId !== token!.botId) return fail('cant_update_message');
      const { text, blocks } = messageContent(args);
      if (!text && blocks.length === 0) return fail('no_text');
      message.edits.push({ text: message.text, blocks: message.blocks });
      message.text = text;
      message.blocks = blocks;
      ok({ channel: found.id, ts: message.ts, text, message: messageBody(message) });
    },
  },
  // ---- Conversations: conversations.info ----
  {
    // The scope depends on the kind of conversation, so the handler checks it.
    name: 'conversations.info',
    auth: 'token',
    handle: ({ data, args, token, ok, fail }) => {
      const found = typeof args.channel === 'string' ? data.channels.get(args.channel) : undefined;
      const member = found?.members.has(token!.user.id) ?? false;
      if (!found || found.teamId !== token!.team.id || (found.isPrivate && !member)) {
        return fail('channel_not_found');
      }
      const needed = found.isIm ? 'im:read' : found.isPrivate ? 'groups:read' : 'channels:read';
      if (!token!.scopes.includes(needed)) {
        return fail('missing_scope', { needed, provided: token!.scopes.join(',') });
      }
      if (found.isIm) {
        return ok({
          channel: {
            id: found.id,
            created: 1700000000,
            is_im: true,
            is_org_shared: false,
            user: found.user,
            is_user_deleted: false,
            priority: 0,
          },
        });
      }
      ok({
        channel: {
          id: found.id,
          name: found.name,
          name_normalized: found.name,
          created: 1700000000,
          is_channel: !found.isPrivate,
          is_group: false,
          is_im: false,
          is_mpim: false,
          is_private: found.isPrivate,
          is_archived: found.isArchived,
          is_general: false,
          is_shared: false,
          is_org_shared: false,
          is_member: member,
          context_team_id: found.teamId,
        },
      });
    },
  },
  // ---- People and replies: users.info, chat.postEphemeral ----
  {
    name: 'users.info',
    auth: 'token',
    scopes: ['users:read'],
    handle: ({ data, args, token, ok, fail }) => {
      const user = typeof args.user === 'string' ? data.users.get(args.user) : undefined;
      // People of other workspaces are unknown, unless the same Enterprise Grid holds both.
      const team = user && data.workspaces.get(user.teamId);
      const sameGrid = team?.enterprise && team.enterprise.id === token!.team.enterprise?.id;
      if (!user || !team || (team !== token!.team && !sameGrid)) return fail('user_not_found');
      const profile = user.profile;
      ok({
        user: {
          id: user.id,
          team_id: user.teamId,
          name: user.name,
          deleted: profile?.deleted ?? false,
          real_name: user.realName,
          tz: profile?.tz ?? 'America/Los_Angeles',
          profile: {
            real_name: user.realName,
            display_name: profile?.displayName ?? '',
            real_name_normalized: user.realName,
            display_name_normalized: profile?.displayName ?? '',
            team: user.teamId,
          },
          is_admin: user.isAdmin,
          is_owner: profile?.isOwner ?? false,
          is_primary_owner: profile?.isPrimaryOwner ?? false,
          is_restricted: profile?.isRestricted ?? false,
          is_ultra_restricted: profile?.isUltraRestricted ?? false,
          is_bot: user.isBot,
          is_app_user: false,
          has_2fa: profile?.has2fa ?? false,
          ...(profile?.enterpriseUser && team.enterprise
            ? {
                enterprise_user: {
                  id: profile.enterpriseUser.id,
                  enterprise_id: team.enterprise.id,
                  enterprise_name: team.enterprise.name,
                  is_admin: profile.enterpriseUser.isAdmin,
                  is_owner: profile.enterpriseUser.isOwner,
                  teams: profile.enterpriseUser.teams,
                },
              }
            : {}),
        },
      });
    },
  },
  {
    name: 'chat.postEphemeral',
    auth: 'token',
    scopes: ['chat:write'],
    handle: ({ data, args, token, ok, fail }) => {
      if (typeof args.channel !== 'string' || !args.channel) return fail('channel_not_found');
      const user = typeof args.user === 'string' ? data.users.get(args.user) : undefined;
      if (!user || user.teamId !== token!.team.id) return fail('user_not_in_channel');
      if (!args.text && !args.blocks && !args.attachments) return fail('no_text');
      const ts = `${Math.floor(Date.now() / 1000)}.${String(data.ephemerals.length).padStart(6, '0')}`;
      data.ephemerals.push({
        channel: args.channel,
        user: user.id,
        text: typeof args.text === 'string' ? args.text : '',
        ts,
      });
      ok({ message_ts: ts });
    },
  },
];

/**
 * The channel a bot may write to, or Slack's error: channels of other workspaces and private
 * channels it is not in do not exist for it; public ones need membership or chat:write.public.
 */
function postableChannel(
  data: SlackData,
  token: SlackTokenRecord,
  channel: unknown,
): SlackChannelRecord | string {
  const wanted = (typeof channel === 'string' ? channel : '').replace(/^#/, '');
  const found = [...data.channels.values()].find(
    (candidate) =>
      candidate.teamId === token.team.id && (candidate.id === wanted || candidate.name === wanted),
  );
  const member = found?.members.has(token.user.id) ?? false;
  if (!found || (found.isPrivate && !member)) return 'channel_not_found';
  if (found.isArchived) return 'is_archived';
  if (!member && !token.scopes.includes('chat:write.public')) return 'not_in_channel';
  return found;
}

/** `text` and `blocks` as the Web API takes them: blocks as a JSON string in a form. */
function messageContent(args: Record<string, unknown>): {
  text: string;
  blocks: Array<Record<string, unknown>>;
} {
  const raw = typeof args.blocks === 'string' ? (JSON.parse(args.blocks) as unknown) : args.blocks;
  return {
    text: typeof args.text === 'string' ? args.text : '',
    blocks: Array.isArray(raw) ? (raw as Array<Record<string, unknown>>) : [],
  };
}

function messageBody(message: SlackMessageRecord): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: message.botId,
    team: message.teamId,
    ts: message.ts,
    text: message.text,
    blocks: message.blocks,
  };
}
