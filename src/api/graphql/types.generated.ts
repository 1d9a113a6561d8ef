/* Generated from schema.graphql by `npm run graphql:generate`. */
import type { GraphQLResolveInfo } from 'graphql';
import type { StackRow, RunRow, ContextRow, ConfigElementRow, ContextAttachmentModel, StackAttachmentModel, ApiKeyModel, UserModel, PolicyRow, PolicyAttachmentRow, SpaceModel, WorkerPoolRow } from './models';
import type { ResolvedElement } from '../../contexts/runtimeConfig';
import type { GraphQLContext } from './context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

export type AccountType =
  | 'ORG'
  | 'UNKNOWN'
  | 'USER';

export type AnsibleEntity = AnsibleResource;

export type AnsibleInput = {
  playbook: Scalars['String']['input'];
};

export type AnsibleResource = {
  __typename?: 'AnsibleResource';
  data: Scalars['String']['output'];
};

/** An API key: its id and secret are exchanged for a JWT with apiKeyUser. */
export type ApiKey = {
  __typename?: 'ApiKey';
  /** Whether users of the key are admins. */
  admin: Scalars['Boolean']['output'];
  /** Unix timestamp of creation. */
  createdAt: Scalars['Int']['output'];
  id: Scalars['ID']['output'];
  /** Unix timestamp of the last exchange for a JWT, if any. */
  lastUsedAt?: Maybe<Scalars['Int']['output']>;
  name: Scalars['String']['output'];
  /** The secret: only in the answer to apiKeyCreate. */
  secret?: Maybe<Scalars['String']['output']>;
  /** Team slugs users of the key are members of, for stack readers and writers. */
  teams: Array<Scalars['String']['output']>;
};

export type ApiKeyInput = {
  /** Whether users of the key are admins. */
  admin: Scalars['Boolean']['input'];
  name: Scalars['String']['input'];
  /** Team slugs users of the key are members of. */
  teams?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type AuditTrailActor = {
  __typename?: 'AuditTrailActor';
  run?: Maybe<AuditTrailActorRun>;
  username: Scalars['String']['output'];
};

export type AuditTrailActorRun = {
  __typename?: 'AuditTrailActorRun';
  id: Scalars['ID']['output'];
  stackId: Scalars['ID']['output'];
};

export type AuditTrailEntriesConnection = {
  __typename?: 'AuditTrailEntriesConnection';
  edges: Array<AuditTrailEntryEdge>;
  pageInfo: PageInfo;
};

/** An entry of Spacelift's audit trail; Gantry keeps no audit trail. */
export type AuditTrailEntry = {
  __typename?: 'AuditTrailEntry';
  action: Scalars['String']['output'];
  actor: AuditTrailActor;
  affectedResource: AuditTrailResource;
  body?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['Int']['output'];
  eventType: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  relatedResource?: Maybe<AuditTrailResource>;
  updatedAt: Scalars['Int']['output'];
};

export type AuditTrailEntryEdge = {
  __typename?: 'AuditTrailEntryEdge';
  cursor: Scalars['String']['output'];
  node: AuditTrailEntry;
};

export type AuditTrailResource = {
  __typename?: 'AuditTrailResource';
  resourceId?: Maybe<Scalars['String']['output']>;
  resourceType: Scalars['String']['output'];
};

/** A blueprint of Spacelift's; Gantry has none. */
export type Blueprint = {
  __typename?: 'Blueprint';
  createdAt: Scalars['Int']['output'];
  deleted: Scalars['Boolean']['output'];
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  inputs: Array<BlueprintTemplateInput>;
  labels: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  rawTemplate?: Maybe<Scalars['String']['output']>;
  space: Space;
  state: BlueprintState;
  updatedAt: Scalars['Int']['output'];
};

export type BlueprintEdge = {
  __typename?: 'BlueprintEdge';
  cursor: Scalars['String']['output'];
  node: Blueprint;
};

export type BlueprintState =
  | 'DRAFT'
  | 'PUBLISHED';

export type BlueprintTemplateInput = {
  __typename?: 'BlueprintTemplateInput';
  default?: Maybe<Scalars['String']['output']>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['String']['output'];
  name: Scalars['String']['output'];
  options?: Maybe<Array<Scalars['String']['output']>>;
  type: Scalars['String']['output'];
};

export type BlueprintsConnection = {
  __typename?: 'BlueprintsConnection';
  edges: Array<BlueprintEdge>;
  pageInfo: PageInfo;
};

export type CloudFormationEntity = CloudFormationOutput | CloudFormationResource;

export type CloudFormationInput = {
  entryTemplateFile: Scalars['String']['input'];
  region: Scalars['String']['input'];
  stackName: Scalars['String']['input'];
  templateBucket: Scalars['String']['input'];
};

export type CloudFormationOutput = {
  __typename?: 'CloudFormationOutput';
  description?: Maybe<Scalars['String']['output']>;
  export?: Maybe<Scalars['String']['output']>;
  value: Scalars['String']['output'];
};

export type CloudFormationResource = {
  __typename?: 'CloudFormationResource';
  logicalResourceId: Scalars['String']['output'];
  physicalResourceId: Scalars['String']['output'];
  template: Scalars['String']['output'];
};

/** Commit represents a git commit. */
export type Commit = {
  __typename?: 'Commit';
  /** GitLab username of the Commit author (optional). */
  authorLogin?: Maybe<Scalars['String']['output']>;
  /** Name of the Commit author (required). */
  authorName: Scalars['String']['output'];
  /** URL of the commit author avatar; empty when the provider gives none. */
  avatarURL: Scalars['String']['output'];
  /** Git commit SHA. */
  hash: Scalars['String']['output'];
  /** Short message associated with the commit (only the first line!); */
  message: Scalars['String']['output'];
  /** Unix timestamp of the commit. */
  timestamp: Scalars['Int']['output'];
  /** Full URL linking to the commit; empty when the provider has no web view. */
  url: Scalars['String']['output'];
};

/** ConfigElement is a stack runtime configuration element: environment variable or file mount. */
export type ConfigElement = {
  __typename?: 'ConfigElement';
  /** SHA256 checksum of the value. */
  checksum: Scalars['String']['output'];
  /** Unix timestamp of the element's creation (or last change). */
  createdAt: Scalars['Int']['output'];
  /** What the element is for, as given when it was set; null when none was given. */
  description?: Maybe<Scalars['String']['output']>;
  /** Environment variable name or file mount relative path. */
  id: Scalars['ID']['output'];
  /** Whether the config element is only known at runtime. */
  runtime: Scalars['Boolean']['output'];
  /** Config element type. */
  type: ConfigType;
  /** Environment variable value, only exposed if the variable is not marked as write-only. */
  value?: Maybe<Scalars['String']['output']>;
  /** When a variable is marked as write-only, its value is only accessible to the Run, but not in the API. */
  writeOnly: Scalars['Boolean']['output'];
};

export type ConfigElementWithSource = {
  __typename?: 'ConfigElementWithSource';
  /** Optional context if the element is coming from a context. */
  context?: Maybe<StackContextAttachment>;
  /** Wrapped config element. */
  element: ConfigElement;
};

export type ConfigInput = {
  /** What the element is for; kept and answered as given. */
  description?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  type: ConfigType;
  value: Scalars['String']['input'];
  writeOnly: Scalars['Boolean']['input'];
};

export type ConfigType =
  | 'ENVIRONMENT_VARIABLE'
  | 'FILE_MOUNT';

export type Context = {
  __typename?: 'Context';
  /** Single stack attachment for this Context. */
  attachedStack?: Maybe<ContextStackAttachment>;
  /** List of stacks attached to this Context. */
  attachedStacks: Array<ContextStackAttachment>;
  /** Full list of context config elements. */
  config: Array<ConfigElement>;
  /** Single context config element. */
  configElement?: Maybe<ConfigElement>;
  /** Free-form context description for the users, supports Markdown. */
  description?: Maybe<Scalars['String']['output']>;
  /** Commands the context adds to the hooks of the stacks it is attached to: before-hooks run before the stack's, by priority, and after-hooks after them, in reverse. */
  hooks: ContextHooks;
  /** Unique (within a single organization), immutable name of the context. */
  id: Scalars['ID']['output'];
  /** Free-form labels. */
  labels: Array<Scalars['String']['output']>;
  /** Fancy, mutable name of the Context to show in the UI. */
  name: Scalars['String']['output'];
  /** The context's space. */
  space: Scalars['ID']['output'];
};


export type ContextAttachedStackArgs = {
  id: Scalars['ID']['input'];
};


export type ContextConfigElementArgs = {
  id: Scalars['ID']['input'];
};

/** A context's hooks: commands run before and after each phase of its stacks' runs. */
export type ContextHooks = {
  __typename?: 'ContextHooks';
  afterApply: Array<Scalars['String']['output']>;
  afterDestroy: Array<Scalars['String']['output']>;
  afterInit: Array<Scalars['String']['output']>;
  afterPerform: Array<Scalars['String']['output']>;
  afterPlan: Array<Scalars['String']['output']>;
  afterRun: Array<Scalars['String']['output']>;
  beforeApply: Array<Scalars['String']['output']>;
  beforeDestroy: Array<Scalars['String']['output']>;
  beforeInit: Array<Scalars['String']['output']>;
  beforePerform: Array<Scalars['String']['output']>;
  beforePlan: Array<Scalars['String']['output']>;
};

/** Arguments used to create and update a context (contextCreateV2, contextUpdateV2). */
export type ContextInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  /** Each hook's commands; all empty when not given. */
  hooks?: InputMaybe<HooksInput>;
  /** Free-form labels; none when not given. */
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  /** The context's space; root when null. Stacks it is attached to must still be able to use it there. */
  space?: InputMaybe<Scalars['ID']['input']>;
};

/** ContextStackAttachment is the stack attachment viewed from the Context. */
export type ContextStackAttachment = {
  __typename?: 'ContextStackAttachment';
  /** Globally unique attachment identifier. */
  id: Scalars['ID']['output'];
  /** Whether the attached stack is a module; Gantry has no modules: false. */
  isModule: Scalars['Boolean']['output'];
  /** Priority of the context on the stack; the lower number wins. */
  priority: Scalars['Int']['output'];
  /** Slug of the attached stack. */
  stackId: Scalars['ID']['output'];
  /** Name of the attached stack. */
  stackName: Scalars['String']['output'];
};

/** What a client needs to know of the server it talks to. */
export type DebugInfo = {
  __typename?: 'DebugInfo';
  /** The release of Spacelift Self-Hosted whose API this server serves to Spacelift's own clients (spacectl picks its commands' variants by it); empty for Spacelift's SaaS. */
  selfHostedVersion?: Maybe<Scalars['String']['output']>;
};

/** Delta is the number of resources affected by a Run in various ways. */
export type Delta = {
  __typename?: 'Delta';
  /** Count of resources to create. */
  addCount?: Maybe<Scalars['Int']['output']>;
  /** Names of resources to create. */
  addResources: Array<Scalars['String']['output']>;
  /** Count of resources to modify in-place. */
  changeCount?: Maybe<Scalars['Int']['output']>;
  /** Names of resources to modify in-place. */
  changeResources: Array<Scalars['String']['output']>;
  /** Count of resources to destroy. */
  deleteCount?: Maybe<Scalars['Int']['output']>;
  /** Names of resources to destroy. */
  deleteResources: Array<Scalars['String']['output']>;
  /** Total number of resources in the state before applying the change. */
  resources: Scalars['Int']['output'];
};

export type EntityVendor = EntityVendorAnsible | EntityVendorCloudFormation | EntityVendorKubernetes | EntityVendorPulumi | EntityVendorTerraform;

export type EntityVendorAnsible = {
  __typename?: 'EntityVendorAnsible';
  ansible?: Maybe<AnsibleEntity>;
};

export type EntityVendorCloudFormation = {
  __typename?: 'EntityVendorCloudFormation';
  cloudFormation?: Maybe<CloudFormationEntity>;
};

export type EntityVendorKubernetes = {
  __typename?: 'EntityVendorKubernetes';
  kubernetes?: Maybe<KubernetesEntity>;
};

export type EntityVendorPulumi = {
  __typename?: 'EntityVendorPulumi';
  pulumi?: Maybe<PulumiEntity>;
};

export type EntityVendorTerraform = {
  __typename?: 'EntityVendorTerraform';
  terraform?: Maybe<TerraformEntity>;
};

/** An environment variable set for one run. */
export type EnvironmentVariable = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** The GitLab server Gantry is connected to. */
export type GitLabIntegration = {
  __typename?: 'GitLabIntegration';
  /** Base URL of the GitLab server, such as https://gitlab.example.com. */
  apiHost: Scalars['String']['output'];
  /** Whether an OAuth application is configured, so that oauthRedirect and oauthToken work. */
  oauthEnabled: Scalars['Boolean']['output'];
  /** Projects whose webhooks have their own secret (gitlabWebhookSecretRotate), without secrets. */
  projectHooks: Array<GitLabProjectHook>;
  /** Secret token to set on those webhooks; GitLab sends it as X-Gitlab-Token. */
  webhookSecret: Scalars['String']['output'];
  /** URL to set as the webhook of GitLab projects (push and merge request events). */
  webhookUrl: Scalars['String']['output'];
};

/** A GitLab project whose webhook has its own secret instead of gitlabIntegration's webhookSecret. */
export type GitLabProjectHook = {
  __typename?: 'GitLabProjectHook';
  /** Unix timestamp of when the current secret was made. */
  createdAt: Scalars['Int']['output'];
  /** Path of the project, lower-cased, such as group/app. */
  project: Scalars['String']['output'];
  /** The secret: only in the answer to gitlabWebhookSecretRotate. */
  secret?: Maybe<Scalars['String']['output']>;
};

/** A GPG key of Spacelift's Terraform provider registry; Gantry has no provider registry. */
export type GpgKey = {
  __typename?: 'GpgKey';
  createdAt: Scalars['Int']['output'];
  createdBy: Scalars['String']['output'];
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  revokedAt?: Maybe<Scalars['Int']['output']>;
  revokedBy?: Maybe<Scalars['String']['output']>;
  updatedAt: Scalars['Int']['output'];
};

/** Hooks as they are set: a list not given is empty. */
export type HooksInput = {
  afterApply?: InputMaybe<Array<Scalars['String']['input']>>;
  afterDestroy?: InputMaybe<Array<Scalars['String']['input']>>;
  afterInit?: InputMaybe<Array<Scalars['String']['input']>>;
  afterPerform?: InputMaybe<Array<Scalars['String']['input']>>;
  afterPlan?: InputMaybe<Array<Scalars['String']['input']>>;
  afterRun?: InputMaybe<Array<Scalars['String']['input']>>;
  beforeApply?: InputMaybe<Array<Scalars['String']['input']>>;
  beforeDestroy?: InputMaybe<Array<Scalars['String']['input']>>;
  beforeInit?: InputMaybe<Array<Scalars['String']['input']>>;
  beforePerform?: InputMaybe<Array<Scalars['String']['input']>>;
  beforePlan?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type KubernetesEntity = KubernetesResource | KubernetesRoot;

export type KubernetesInput = {
  kubectlVersion?: InputMaybe<Scalars['String']['input']>;
  kubernetesWorkflowTool?: InputMaybe<KubernetesWorkflowTool>;
  namespace: Scalars['String']['input'];
};

export type KubernetesResource = {
  __typename?: 'KubernetesResource';
  data: Scalars['String']['output'];
};

export type KubernetesRoot = {
  __typename?: 'KubernetesRoot';
  phantom: Scalars['Boolean']['output'];
};

export type KubernetesWorkflowTool =
  | 'CUSTOM'
  | 'KUBERNETES';

/** Where a local workspace is uploaded to (Spacelift's local preview). */
export type LocalWorkspaceUpload = {
  __typename?: 'LocalWorkspaceUpload';
  id: Scalars['ID']['output'];
  /** Headers the upload must carry. */
  uploadHeaders: StringMap;
  uploadUrl: Scalars['String']['output'];
};

/** LogMessage represents a single log line. */
export type LogMessage = {
  __typename?: 'LogMessage';
  /** Actual message. */
  message: Scalars['String']['output'];
  /** Unix timestamp representing log line creation. */
  timestamp: Scalars['Int']['output'];
};

/** LogsResponse is a response to a query for a batch of logs. */
export type LogsResponse = {
  __typename?: 'LogsResponse';
  /** Whether the log stream even exists. */
  exists: Scalars['Boolean']['output'];
  /** Is the log stream finished. */
  finished: Scalars['Boolean']['output'];
  /** Is more messages available. */
  hasMore: Scalars['Boolean']['output'];
  /** List of messages. */
  messages: Array<LogMessage>;
  /** Token used to retrieve the next batch of log messages. */
  nextToken?: Maybe<Scalars['String']['output']>;
};

/** A resource, module or output of a stack's state. */
export type ManagedEntity = {
  __typename?: 'ManagedEntity';
  address: Scalars['String']['output'];
  /** The run that created it; Gantry does not keep it: null. */
  creator?: Maybe<Run>;
  /** Unix timestamp of drift detection, if drifted; Gantry has no drift detection: null. */
  drifted?: Maybe<Scalars['Int']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  /** Address of the parent (module) entity. */
  parent: Scalars['String']['output'];
  thirdPartyMetadata?: Maybe<Scalars['String']['output']>;
  /** Resource type, e.g. aws_s3_bucket. */
  type: Scalars['String']['output'];
  /** The run that last updated it; Gantry does not keep it: null. */
  updater?: Maybe<Run>;
  vendor: EntityVendor;
};

/** A module of Spacelift's module registry; Gantry has no module registry. */
export type Module = {
  __typename?: 'Module';
  administrative: Scalars['Boolean']['output'];
  apiHost?: Maybe<Scalars['String']['output']>;
  branch: Scalars['String']['output'];
  canWrite: Scalars['Boolean']['output'];
  createdAt: Scalars['Int']['output'];
  current?: Maybe<ModuleVersion>;
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  isDisabled: Scalars['Boolean']['output'];
  labels: Array<Scalars['String']['output']>;
  localPreviewEnabled: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  namespace: Scalars['String']['output'];
  owner: Scalars['String']['output'];
  projectRoot?: Maybe<Scalars['String']['output']>;
  provider: VcsProvider;
  repository: Scalars['String']['output'];
  searchModuleVersions: ModuleVersionsConnection;
  spaceDetails: Space;
  starred: Scalars['Boolean']['output'];
  terraformProvider: Scalars['String']['output'];
  workerPool?: Maybe<WorkerPool>;
};


/** A module of Spacelift's module registry; Gantry has no module registry. */
export type ModuleSearchModuleVersionsArgs = {
  input: SearchInput;
};

export type ModuleEdge = {
  __typename?: 'ModuleEdge';
  cursor: Scalars['String']['output'];
  node: Module;
};

/** A version of a module of the module registry. */
export type ModuleVersion = {
  __typename?: 'ModuleVersion';
  commit?: Maybe<Commit>;
  downloadLink?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  module: Module;
  number: Scalars['String']['output'];
  sourceURL: Scalars['String']['output'];
  state: Scalars['String']['output'];
  versionCount: Scalars['Int']['output'];
  yanked: Scalars['Boolean']['output'];
};

export type ModuleVersionEdge = {
  __typename?: 'ModuleVersionEdge';
  cursor: Scalars['String']['output'];
  node: ModuleVersion;
};

export type ModuleVersionsConnection = {
  __typename?: 'ModuleVersionsConnection';
  edges: Array<ModuleVersionEdge>;
  pageInfo: PageInfo;
};

export type ModulesConnection = {
  __typename?: 'ModulesConnection';
  edges: Array<ModuleEdge>;
  pageInfo: PageInfo;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Create an API key. The secret is in the answer once and never again. */
  apiKeyCreate: ApiKey;
  /** Delete an API key; JWTs it was exchanged for expire within the hour. */
  apiKeyDelete?: Maybe<ApiKey>;
  /** Exchange an API key's id and secret for a User with a JWT valid for one hour. */
  apiKeyUser: User;
  /** Attach context to a Stack. */
  contextAttach: ContextStackAttachment;
  /** Add a context config element. */
  contextConfigAdd: ConfigElement;
  /** Delete a context config element. */
  contextConfigDelete?: Maybe<ConfigElement>;
  /** Create a new context. */
  contextCreate: Context;
  /** Create a new context with its labels and hooks. */
  contextCreateV2: Context;
  /** Delete an existing context. */
  contextDelete?: Maybe<Context>;
  /** Detach context from a a Stack. */
  contextDetach?: Maybe<ContextStackAttachment>;
  /** Update an existing context. */
  contextUpdate: Context;
  /** Update an existing context: its name, description, labels and hooks, each as given (a list not given is emptied). */
  contextUpdateV2: Context;
  /** Disconnect Gantry from GitLab. */
  gitlabIntegrationDelete?: Maybe<GitLabIntegration>;
  /**
   * Connect Gantry to a GitLab server: checks the token (it needs the api scope), stores it
   * encrypted and generates the webhook secret. Setting it up again replaces the settings. The
   * OAuth application, when given, enables oauthRedirect and oauthToken; its redirect URI must be
   * GANTRY_PUBLIC_URL/oauth/gitlab/callback.
   */
  gitlabIntegrationSetup: GitLabIntegration;
  /**
   * Give a GitLab project's webhook its own secret, or a new one in place of its last (admins
   * only). The secret is in the answer once and never again: set it as the secret token of the
   * project's webhook. From then on the project's deliveries are accepted with it alone, no
   * longer with gitlabIntegration's webhookSecret. A Gantry addition; Spacelift has no such API.
   */
  gitlabWebhookSecretRotate: GitLabProjectHook;
  /** Get the GitLab OAuth authorization URL to send a person to. */
  oauthRedirect: OAuthRedirect;
  /** Refresh the current user's teams by asking GitLab again. */
  oauthRefresh: User;
  /** Exchange the authorization code GitLab returned, with the temporary token, for a GitLab token. */
  oauthToken: Scalars['String']['output'];
  /** Exchange a GitLab token (personal or OAuth access token) for a Gantry User. */
  oauthUser: User;
  /** Attach a policy to a stack (admins only). */
  policyAttach: PolicyStackAttachment;
  /**
   * Create a policy (admins only). The body is Rego in package spacelift, in the current syntax or
   * the older v0 one; a body that does not compile is refused with OPA's message, line and column.
   */
  policyCreate: Policy;
  /** Create a policy (admins only), as policyCreate does, with Spacelift's input object; engineType fixes the Rego it is compiled as. */
  policyCreatev2: Policy;
  /** Delete a policy and its attachments (admins only). */
  policyDelete?: Maybe<Policy>;
  /** Detach a policy from a stack, by the attachment's id (admins only). */
  policyDetach?: Maybe<PolicyStackAttachment>;
  /**
   * Change a policy (admins only); every process uses the new body from its next decision on.
   * Labels and description left out stay as they are.
   */
  policyUpdate: Policy;
  /** Replace a policy's name, body, labels, description and Rego (admins only); the type stays. */
  policyUpdatev2: Policy;
  /** Cancel a Run that has not yet started. */
  runCancel: Run;
  /** Confirm a Run that's waiting to be applied. */
  runConfirm: Run;
  /** Discard a Run that's waiting to be applied. */
  runDiscard: Run;
  /** Prioritize a run, or stop doing so: in its stack's queue it goes before the runs waiting without priority. */
  runPrioritizeSet: Run;
  /** A proposed run of an uploaded local workspace. Gantry has no local preview: answers UNSUPPORTED. */
  runProposeLocalWorkspace: Run;
  /** Retry a Run that has finished, as a new Run of the same commit. */
  runRetry: Run;
  /** Review a run: approve or reject it, with a note (run: the run holding the stack's lock when not given). Gantry has no approval policies yet: the review is recorded on the run (Run.reviews) and decides nothing. */
  runReview: RunReview;
  /** Stop a Run that's currently in progress (initializing, planning, or a task performing); the note is recorded with it. */
  runStop: Run;
  /** Plan an UNCONFIRMED tracked run again, limited to the given resource addresses (each a -target); it then waits for a confirmation again, which applies the new plan. */
  runTargetedReplan: Run;
  /** Trigger a Run: TRACKED (the default) or a PROPOSED preview, of the stack's tracked commit, or of commitSha (a full hash of any commit of the stack's repository). */
  runTrigger: Run;
  /**
   * Forget the Slack app's installation in a workspace (admins only): Gantry drops its bot token
   * and stops talking to the workspace. The app stays in the workspace until someone removes it
   * there.
   */
  slackIntegrationDelete: SlackWorkspace;
  /**
   * Subscribe a Slack conversation to a stack's runs (admins only), as `/gantry subscribe` does:
   * a channel (C…), a direct message with the app (D…), or a person by member ID (U…), whose
   * messages go to their direct messages with the app. Gantry first posts a short message there
   * saying so; when Slack refuses it (a private channel the app is not in, an archived one), the
   * subscription is refused with what to do. Subscribing a conversation that is subscribed
   * already changes its settings.
   */
  slackSubscriptionCreate: SlackSubscription;
  /** Stop a Slack subscription (admins only). */
  slackSubscriptionDelete: SlackSubscription;
  /** Change what a Slack subscription hears (admins only); settings left out stay as they are. */
  slackSubscriptionUpdate: SlackSubscription;
  /** Create a space under a parent (root when not given) (admins only); its id is made from the name. */
  spaceCreate: Space;
  /** Delete a space (admins only): only one without child spaces, stacks, contexts, policies or worker pools, and never root or legacy. */
  spaceDelete: Space;
  /** Replace a space's name, description, labels, parent and inheritEntities (admins only). Root cannot change, and no space may move under itself. */
  spaceUpdate: Space;
  /** Add a stack config element. */
  stackConfigAdd: ConfigElement;
  /** Delete a stack config element. */
  stackConfigDelete: ConfigElement;
  /**
   * Create a new stack. The third argument (stackObjectID) is optional, and should only be used
   * when creating a Stack with pre-existing state (uploaded to a stateUploadUrl) that is handed
   * over to Gantry for further management.
   */
  stackCreate: Stack;
  /** Delete an existing stack. With destroyResources: true, a stack with resources in its state is marked deleting and a tracked run destroys them first (tofu plan -destroy, applied without waiting for a confirmation); the stack is deleted once that run finishes, and stays, no longer deleting, if it does not. The answer is the stack as it is then. */
  stackDelete?: Maybe<Stack>;
  /** Disable a stack: it starts no runs, from any source, until it is enabled; runs already started go on. */
  stackDisable: Stack;
  /** Enable a disabled stack. */
  stackEnable: Stack;
  /** Lock the stack for exclusive use, with a note saying why. */
  stackLock: Stack;
  /** Set stack AWS role delegation. Setting an empty ARN removes delegation. */
  stackSetAwsRoleDelegation?: Maybe<Stack>;
  /** Set the commit the stack's runs take (its tracked commit) to sha, a commit of its repository. */
  stackSetCurrentCommit: Stack;
  /** Set the stack's tracked commit to the head of its branch now. */
  stackSyncCommit: Stack;
  /** Unlock the stack. */
  stackUnlock: Stack;
  /** Update an existing stack. */
  stackUpdate: Stack;
  /** A pre-signed URL, valid for 5 minutes, to GET the stack's current state file from without an Authorization header; for the stack's writers. */
  stateDownloadUrl: StateDownloadUrl;
  /** Generate pre-signed state upload URL. */
  stateUploadUrl: StateUploadUrl;
  /** Create a Task from a command. */
  taskCreate: Run;
  /** Where spacectl's local preview uploads a local workspace. Gantry has no local preview (proposed runs come from commits): answers UNSUPPORTED. */
  uploadLocalWorkspace: LocalWorkspaceUpload;
  /** Create a private worker pool in a space (root when not given) (admins of that space only). certificateSigningRequest is accepted and not used: the pool's credential (config) is Gantry's own token. Gantry has no drift detection: driftDetectionRunLimit is accepted and not kept. */
  workerPoolCreate: WorkerPool;
  /** Delete a worker pool (admins of its space only): only one no stack uses; move its stacks to another pool or to Gantry's own workers first. */
  workerPoolDelete?: Maybe<WorkerPool>;
  /** Give a worker pool a new credential (admins of its space only); workers with the old config are refused from now on. certificateSigningRequest is accepted and not used. */
  workerPoolReset: WorkerPool;
  /** Replace a worker pool's name, description, labels and space (admins of its space and the new one only): fields left out are emptied, and space to root. A pool moves only where every stack that uses it is in the new space or below it. */
  workerPoolUpdate: WorkerPool;
};


export type MutationApiKeyCreateArgs = {
  input: ApiKeyInput;
};


export type MutationApiKeyDeleteArgs = {
  id: Scalars['ID']['input'];
};


export type MutationApiKeyUserArgs = {
  id: Scalars['ID']['input'];
  secret: Scalars['String']['input'];
};


export type MutationContextAttachArgs = {
  id: Scalars['ID']['input'];
  priority: Scalars['Int']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationContextConfigAddArgs = {
  config: ConfigInput;
  context: Scalars['ID']['input'];
};


export type MutationContextConfigDeleteArgs = {
  context: Scalars['ID']['input'];
  id: Scalars['ID']['input'];
};


export type MutationContextCreateArgs = {
  description?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
};


export type MutationContextCreateV2Args = {
  input: ContextInput;
};


export type MutationContextDeleteArgs = {
  id: Scalars['ID']['input'];
};


export type MutationContextDetachArgs = {
  id: Scalars['ID']['input'];
};


export type MutationContextUpdateArgs = {
  description?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  name: Scalars['String']['input'];
};


export type MutationContextUpdateV2Args = {
  id: Scalars['ID']['input'];
  input: ContextInput;
};


export type MutationGitlabIntegrationSetupArgs = {
  apiHost: Scalars['String']['input'];
  oauthClientId?: InputMaybe<Scalars['String']['input']>;
  oauthClientSecret?: InputMaybe<Scalars['String']['input']>;
  token: Scalars['String']['input'];
};


export type MutationGitlabWebhookSecretRotateArgs = {
  project: Scalars['String']['input'];
};


export type MutationOauthTokenArgs = {
  code: Scalars['String']['input'];
  state: Scalars['String']['input'];
  temporaryToken: Scalars['String']['input'];
};


export type MutationOauthUserArgs = {
  token: Scalars['String']['input'];
};


export type MutationPolicyAttachArgs = {
  id: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationPolicyCreateArgs = {
  body: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  type: PolicyType;
};


export type MutationPolicyCreatev2Args = {
  input: PolicyCreateInput;
};


export type MutationPolicyDeleteArgs = {
  id: Scalars['ID']['input'];
};


export type MutationPolicyDetachArgs = {
  id: Scalars['ID']['input'];
};


export type MutationPolicyUpdateArgs = {
  body: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  id: Scalars['ID']['input'];
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
};


export type MutationPolicyUpdatev2Args = {
  id: Scalars['ID']['input'];
  input: PolicyUpdateInput;
};


export type MutationRunCancelArgs = {
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationRunConfirmArgs = {
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationRunDiscardArgs = {
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationRunPrioritizeSetArgs = {
  prioritize: Scalars['Boolean']['input'];
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationRunProposeLocalWorkspaceArgs = {
  environmentVarsOverrides?: InputMaybe<Array<EnvironmentVariable>>;
  stack: Scalars['ID']['input'];
  workspace: Scalars['ID']['input'];
};


export type MutationRunRetryArgs = {
  refreshState?: InputMaybe<Scalars['Boolean']['input']>;
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationRunReviewArgs = {
  decision: RunReviewDecision;
  note?: InputMaybe<Scalars['String']['input']>;
  run?: InputMaybe<Scalars['ID']['input']>;
  stack: Scalars['ID']['input'];
};


export type MutationRunStopArgs = {
  note?: InputMaybe<Scalars['String']['input']>;
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationRunTargetedReplanArgs = {
  run: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
  targets: Array<Scalars['String']['input']>;
};


export type MutationRunTriggerArgs = {
  commitSha?: InputMaybe<Scalars['String']['input']>;
  runType?: InputMaybe<RunType>;
  runtimeConfig?: InputMaybe<RuntimeConfigInput>;
  stack: Scalars['ID']['input'];
};


export type MutationSlackIntegrationDeleteArgs = {
  teamId: Scalars['ID']['input'];
};


export type MutationSlackSubscriptionCreateArgs = {
  input: SlackSubscriptionInput;
};


export type MutationSlackSubscriptionDeleteArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSlackSubscriptionUpdateArgs = {
  id: Scalars['ID']['input'];
  input: SlackSubscriptionSettingsInput;
};


export type MutationSpaceCreateArgs = {
  input: SpaceInput;
};


export type MutationSpaceDeleteArgs = {
  space: Scalars['ID']['input'];
};


export type MutationSpaceUpdateArgs = {
  input: SpaceInput;
  space: Scalars['ID']['input'];
};


export type MutationStackConfigAddArgs = {
  config: ConfigInput;
  stack: Scalars['ID']['input'];
};


export type MutationStackConfigDeleteArgs = {
  id: Scalars['ID']['input'];
  stack: Scalars['ID']['input'];
};


export type MutationStackCreateArgs = {
  input: StackInput;
  manageState: Scalars['Boolean']['input'];
  slug?: InputMaybe<Scalars['String']['input']>;
  stackObjectID?: InputMaybe<Scalars['String']['input']>;
};


export type MutationStackDeleteArgs = {
  destroyResources?: InputMaybe<Scalars['Boolean']['input']>;
  id: Scalars['ID']['input'];
};


export type MutationStackDisableArgs = {
  id: Scalars['ID']['input'];
};


export type MutationStackEnableArgs = {
  id: Scalars['ID']['input'];
};


export type MutationStackLockArgs = {
  id: Scalars['ID']['input'];
  note?: InputMaybe<Scalars['String']['input']>;
};


export type MutationStackSetAwsRoleDelegationArgs = {
  id: Scalars['ID']['input'];
  roleArn?: InputMaybe<Scalars['String']['input']>;
};


export type MutationStackSetCurrentCommitArgs = {
  id: Scalars['ID']['input'];
  sha: Scalars['String']['input'];
};


export type MutationStackSyncCommitArgs = {
  id: Scalars['ID']['input'];
};


export type MutationStackUnlockArgs = {
  id: Scalars['ID']['input'];
};


export type MutationStackUpdateArgs = {
  id: Scalars['ID']['input'];
  input: StackInput;
};


export type MutationStateDownloadUrlArgs = {
  input: StateDownloadUrlInput;
};


export type MutationTaskCreateArgs = {
  command: Scalars['String']['input'];
  skipInitialization?: InputMaybe<Scalars['Boolean']['input']>;
  stack: Scalars['ID']['input'];
};


export type MutationUploadLocalWorkspaceArgs = {
  stack: Scalars['ID']['input'];
};


export type MutationWorkerPoolCreateArgs = {
  certificateSigningRequest: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  driftDetectionRunLimit?: InputMaybe<Scalars['Int']['input']>;
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  space?: InputMaybe<Scalars['ID']['input']>;
};


export type MutationWorkerPoolDeleteArgs = {
  id: Scalars['ID']['input'];
};


export type MutationWorkerPoolResetArgs = {
  certificateSigningRequest: Scalars['String']['input'];
  id: Scalars['ID']['input'];
};


export type MutationWorkerPoolUpdateArgs = {
  description?: InputMaybe<Scalars['String']['input']>;
  driftDetectionRunLimit?: InputMaybe<Scalars['Int']['input']>;
  id: Scalars['ID']['input'];
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  space?: InputMaybe<Scalars['ID']['input']>;
};

/** OAuthRedirect is a response to an OAuth redirect query. */
export type OAuthRedirect = {
  __typename?: 'OAuthRedirect';
  /** Full URL to the identity provider (GitLab). */
  providerUrl: Scalars['String']['output'];
  /** Temporary token to keep in the browser and pass to oauthToken. */
  temporaryToken: Scalars['String']['output'];
};

export type OpenTofuInput = {
  concise?: InputMaybe<Scalars['Boolean']['input']>;
  externalStateAccessEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  useSmartSanitization?: InputMaybe<Scalars['Boolean']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
  workflowTool?: InputMaybe<OpenTofuWorkflowTool>;
  workspace?: InputMaybe<Scalars['String']['input']>;
};

export type OpenTofuWorkflowTool =
  | 'CUSTOM'
  | 'OPENTOFU';

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge; pass it as SearchInput.after. Null for an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge. Null for an empty page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type PoliciesConnection = {
  __typename?: 'PoliciesConnection';
  edges: Array<PolicyEdge>;
  pageInfo: PageInfo;
};

/**
 * A stack access policy: Rego in package spacelift whose read, write and deny rules decide, with
 * the readers and writers teams, what people may do with the stacks it is attached to.
 */
export type Policy = {
  __typename?: 'Policy';
  /** The policy's attachment to the stack with this id, or null when it is not attached to it. */
  attachedStack?: Maybe<PolicyStackAttachment>;
  /** Stacks the policy is attached to. */
  attachedStacks: Array<PolicyStackAttachment>;
  /** The Rego source. */
  body: Scalars['String']['output'];
  /** Unix timestamp of the creation. */
  createdAt: Scalars['Int']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Which Rego the body is compiled as; null for a policy last written before Gantry recorded it. */
  engineType?: Maybe<PolicyEngineType>;
  /** Recent evaluations of the policy kept as samples; Gantry keeps none: empty. */
  evaluationRecords: Array<PolicyEvaluationRecord>;
  /** Unique, immutable identifier, made from the name at creation. */
  id: Scalars['ID']['output'];
  labels: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** Slug of the policy's space. */
  space: Scalars['ID']['output'];
  /** Details of the policy's space. */
  spaceDetails: Space;
  type: PolicyType;
  /** Unix timestamp of the last change. */
  updatedAt: Scalars['Int']['output'];
};


/**
 * A stack access policy: Rego in package spacelift whose read, write and deny rules decide, with
 * the readers and writers teams, what people may do with the stacks it is attached to.
 */
export type PolicyAttachedStackArgs = {
  id: Scalars['ID']['input'];
};

/** A policy as policyCreatev2 creates it. */
export type PolicyCreateInput = {
  /** Rego in package spacelift. */
  body: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  /** The Rego to compile the body as; when not given, the current syntax if the body compiles as such, else v0. */
  engineType?: InputMaybe<PolicyEngineType>;
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  /** The policy's space; root when null. */
  space?: InputMaybe<Scalars['ID']['input']>;
  type: PolicyType;
};

export type PolicyEdge = {
  __typename?: 'PolicyEdge';
  cursor: Scalars['String']['output'];
  node: Policy;
};

/** Which Rego a policy is written in: v0 (the syntax of most published examples) or v1 (the current one). */
export type PolicyEngineType =
  | 'REGO_V0'
  | 'REGO_V1';

/** A record of a policy's evaluation. */
export type PolicyEvaluationRecord = {
  __typename?: 'PolicyEvaluationRecord';
  key: Scalars['String']['output'];
  outcome: Scalars['String']['output'];
  timestamp: Scalars['Int']['output'];
};

/** A policy's attachment to a stack, viewed from the policy. */
export type PolicyStackAttachment = {
  __typename?: 'PolicyStackAttachment';
  /** Globally unique attachment identifier; policyDetach takes it. */
  id: Scalars['ID']['output'];
  /** Always false: Gantry has no modules. */
  isModule: Scalars['Boolean']['output'];
  policyId: Scalars['ID']['output'];
  stackId: Scalars['ID']['output'];
  stackName: Scalars['String']['output'];
};

/**
 * The kind of a policy. ACCESS: stack access policies, with read, write and deny rules over the
 * request and the stack.
 */
export type PolicyType =
  | 'ACCESS';

/** A policy as policyUpdatev2 leaves it: every field is replaced, so labels and description left out are removed. */
export type PolicyUpdateInput = {
  body: Scalars['String']['input'];
  description?: InputMaybe<Scalars['String']['input']>;
  engineType?: InputMaybe<PolicyEngineType>;
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  /** The policy's space; root when null. Stacks it is attached to must still be able to use it there. */
  space?: InputMaybe<Scalars['ID']['input']>;
};

export type PulumiEntity = PulumiOutput | PulumiResource | PulumiStack;

export type PulumiInput = {
  loginURL: Scalars['String']['input'];
  stackName: Scalars['String']['input'];
};

export type PulumiOutput = {
  __typename?: 'PulumiOutput';
  hash: Scalars['String']['output'];
  sensitive: Scalars['Boolean']['output'];
  value?: Maybe<Scalars['String']['output']>;
};

export type PulumiResource = {
  __typename?: 'PulumiResource';
  id: Scalars['String']['output'];
  outputs: Scalars['String']['output'];
  parent: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  urn: Scalars['String']['output'];
};

export type PulumiStack = {
  __typename?: 'PulumiStack';
  phantom: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** API keys of the account (admins only). Secrets are never shown again after creation. */
  apiKeys: Array<ApiKey>;
  /** A blueprint. Gantry has none: answers UNSUPPORTED. */
  blueprint?: Maybe<Blueprint>;
  /** Details of a single Context. */
  context?: Maybe<Context>;
  /** List of all the contexts in the account. */
  contexts: Array<Context>;
  /** What a client needs to know of the server it talks to. */
  debugInfo: DebugInfo;
  /** The GitLab integration, if one is set up (admins only). */
  gitlabIntegration?: Maybe<GitLabIntegration>;
  /** GPG keys of the Terraform provider registry. Gantry has no provider registry: answers UNSUPPORTED. */
  gpgKeys: Array<GpgKey>;
  /** A module of the module registry. Gantry has none: answers UNSUPPORTED. */
  module?: Maybe<Module>;
  /** Name of the account: GANTRY_ACCOUNT_NAME, or the host of GANTRY_PUBLIC_URL. */
  name?: Maybe<Scalars['String']['output']>;
  /** Stack access policies (admins only). */
  policies: Array<Policy>;
  /** A single stack access policy (admins only). */
  policy?: Maybe<Policy>;
  /** GitLab projects the configured GitLab token is a member of; empty without a GitLab integration. */
  repositories: Array<Repository>;
  /** Spacelift's audit trail. Gantry keeps none: answers UNSUPPORTED. */
  searchAuditTrailEntries: AuditTrailEntriesConnection;
  /** Spacelift's blueprints. Gantry has none: answers UNSUPPORTED. */
  searchBlueprints: BlueprintsConnection;
  /** Spacelift's module registry. Gantry has none: answers UNSUPPORTED. */
  searchModules: ModulesConnection;
  /** Policies (an admin's to read), filtered by predicates (name, label, type) and full-text search, a page at a time. */
  searchPolicies: PoliciesConnection;
  /** The stacks the caller may read, filtered by predicates and full-text search, a page at a time (by id unless orderBy says otherwise). */
  searchStacks: StacksConnection;
  /** Spacelift's templates. Gantry has none: answers UNSUPPORTED. */
  searchTemplates: TemplatesConnection;
  /** The Slack app and the workspaces it is installed in (admins only). */
  slackIntegration: SlackIntegration;
  /** A space, or null when there is none with this id. */
  space?: Maybe<Space>;
  /** Every space, by id: root, legacy and those admins made. */
  spaces: Array<Space>;
  /** Details of a single Stack. */
  stack?: Maybe<Stack>;
  /** List of all the stacks the caller may read. */
  stacks: Array<Stack>;
  /** GitLab groups the configured GitLab token is a member of; empty without a GitLab integration. */
  teams: Array<Team>;
  /** A provider of the Terraform provider registry. Gantry has none: answers UNSUPPORTED. */
  terraformProvider?: Maybe<TerraformProvider>;
  /** Type of the account: a Gantry installation serves an organization. */
  type?: Maybe<AccountType>;
  /** Usage for the last 30 days. */
  usage: Usage;
  /** Current user, if any. */
  viewer?: Maybe<User>;
  /** A private worker pool; null when there is none with this id. */
  workerPool?: Maybe<WorkerPool>;
  /** The private worker pools of every space, by name: anyone signed in reads them, as they read spaces (config only for admins of a pool's space). */
  workerPools: Array<WorkerPool>;
};


export type QueryBlueprintArgs = {
  id: Scalars['ID']['input'];
};


export type QueryContextArgs = {
  id: Scalars['ID']['input'];
};


export type QueryModuleArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPolicyArgs = {
  id: Scalars['ID']['input'];
};


export type QuerySearchAuditTrailEntriesArgs = {
  input: SearchInput;
};


export type QuerySearchBlueprintsArgs = {
  input: SearchInput;
};


export type QuerySearchModulesArgs = {
  input: SearchInput;
};


export type QuerySearchPoliciesArgs = {
  input: SearchInput;
};


export type QuerySearchStacksArgs = {
  input: SearchInput;
};


export type QuerySearchTemplatesArgs = {
  input: SearchInput;
};


export type QuerySpaceArgs = {
  id: Scalars['ID']['input'];
};


export type QueryStackArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTerraformProviderArgs = {
  id: Scalars['ID']['input'];
};


export type QueryWorkerPoolArgs = {
  id: Scalars['ID']['input'];
};

/** The values a predicate's field is compared with; the list that fits the field is used. */
export type QueryFieldConstraint = {
  booleanEquals?: InputMaybe<Array<Scalars['Boolean']['input']>>;
  enumEquals?: InputMaybe<Array<Scalars['String']['input']>>;
  stringMatches?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type QueryOrder = {
  direction: SearchQueryOrderDirection;
  field: Scalars['String']['input'];
};

/** A condition on one field: it holds when the field equals one of the constraint's values, or, with exclude, when it equals none. */
export type QueryPredicate = {
  constraint: QueryFieldConstraint;
  /** Negates the condition. */
  exclude?: InputMaybe<Scalars['Boolean']['input']>;
  /** The field: administrative, branch, commit, label, locked, name, projectRoot, repository, space, state, vendor or workerPool (policies: label, name, space, type). */
  field: Scalars['String']['input'];
};

/** GitLab project with branches. */
export type Repository = {
  __typename?: 'Repository';
  /** List of up to last 20 branches, sorted by most recent commit timestamp. */
  branches: Array<Scalars['String']['output']>;
  /** Path of the project, as group/project. */
  id: Scalars['ID']['output'];
};

/** Run represents the main concept in Gantry. */
export type Run = {
  __typename?: 'Run';
  /** Name of the branch for which this Run has been created. */
  branch: Scalars['String']['output'];
  /** Whether runRetry would take the run: it has ended and is not a task. */
  canRetry: Scalars['Boolean']['output'];
  /** The resources the run's plan changes (adds, changes, deletes or replaces), as one group; empty before it has planned. The input is accepted as Spacelift's clients send it and reads nothing yet. */
  changesV3: Array<RunChanges>;
  /** Command - only useful for Tasks. */
  command?: Maybe<Scalars['String']['output']>;
  /** Comments on the run; Gantry has no run comments: empty. */
  comments: Array<RunComment>;
  /** Commit representing the HEAD of the branch at the time of triggering the Run. */
  commit: Commit;
  /** Unix timestamp representing Run creation. */
  createdAt: Scalars['Int']['output'];
  /** Change in resources tracked by the Stack's state that will be caused by this Run. */
  delta?: Maybe<Delta>;
  /** Whether the run is a drift detection run; Gantry has no drift detection: false. */
  driftDetection: Scalars['Boolean']['output'];
  /** Whether the run can no longer be confirmed because it went stale; Gantry's runs wait for as long as it takes: false. */
  expired: Scalars['Boolean']['output'];
  /** Convenience helper, allowing a quick check on whether the Run has finished. */
  finished: Scalars['Boolean']['output'];
  /** Run history as a list of state transitions, newest first. */
  history: Array<RunStateTransition>;
  /** Globally unique ID (ULID) of the Run. */
  id: Scalars['ID']['output'];
  /** Whether the run is the newest of its kind (tracked runs, proposed runs, tasks) on its stack. */
  isMostRecent: Scalars['Boolean']['output'];
  /** Whether the run goes before the runs waiting without priority in its stack's queue (runPrioritizeSet). */
  isPrioritized: Scalars['Boolean']['output'];
  /** Paginated slice of Run logs associated with one of the current Run's (past or present) states; stateVersion picks the visit to the state (0, the first, unless given: a replanned run visits PLANNING again), each message ends with its newline. */
  logs?: Maybe<LogsResponse>;
  /** The GitLab merge request a proposed run plans, when a merge request event started it; null otherwise. */
  mergeRequest?: Maybe<RunMergeRequest>;
  /** Whether the run waits for approval by approval policies; Gantry has none: false. */
  needsApproval: Scalars['Boolean']['output'];
  /** Indicates whether the Terraform state is refreshed when planning (always, in Gantry). */
  refreshState: Scalars['Boolean']['output'];
  /** People's reviews of the run (runReview), oldest first. */
  reviews: Array<RunReview>;
  /** Individual runtime configuration for this Run. */
  runtimeConfig?: Maybe<RuntimeConfig>;
  /** Current state of the Run. */
  state: RunState;
  /** Title of the Run for UI consumption. */
  title: Scalars['String']['output'];
  /** The user who manually triggered this Run, if any. */
  triggeredBy?: Maybe<Scalars['String']['output']>;
  /** Type of the Run. */
  type: RunType;
  /** Unix timestamp of the last update. */
  updatedAt: Scalars['Int']['output'];
};


/** Run represents the main concept in Gantry. */
export type RunChangesV3Args = {
  input: SearchInput;
};


/** Run represents the main concept in Gantry. */
export type RunLogsArgs = {
  state: RunState;
  stateVersion?: InputMaybe<Scalars['Int']['input']>;
  token?: InputMaybe<Scalars['String']['input']>;
};

/** Resources a run's plan changes. */
export type RunChanges = {
  __typename?: 'RunChanges';
  resources: Array<RunResourceChange>;
};

/** A comment on a run. */
export type RunComment = {
  __typename?: 'RunComment';
  body: Scalars['String']['output'];
  createdAt: Scalars['Int']['output'];
  username: Scalars['String']['output'];
};

/** A GitLab merge request, as a proposed run knows it. */
export type RunMergeRequest = {
  __typename?: 'RunMergeRequest';
  /** The merge request's number in its project (`!iid`). */
  iid: Scalars['Int']['output'];
  /** Its page on GitLab; null while Gantry is not connected to GitLab. */
  url?: Maybe<Scalars['String']['output']>;
};

/** One attribute of a resource a plan changes. */
export type RunResourceAttributeChange = {
  __typename?: 'RunResourceAttributeChange';
  /** The value after, as JSON text; null after a deletion, for a sensitive value, and for one known only once applied. */
  after?: Maybe<Scalars['String']['output']>;
  /** The value before, as JSON text; null before a creation, and for a sensitive value. */
  before?: Maybe<Scalars['String']['output']>;
  /** Where the value is in the resource, such as `tags.team` or `ingress[0].port`. */
  path: Scalars['String']['output'];
  /** Whether the plan marks the value sensitive: neither value is given. */
  sensitive: Scalars['Boolean']['output'];
  /** Whether the value after is known only once the change is applied. */
  unknownAfter: Scalars['Boolean']['output'];
};

export type RunResourceChange = {
  __typename?: 'RunResourceChange';
  address: Scalars['String']['output'];
  /** The resource's attributes whose values the plan changes, in path order; sensitive values are never given. */
  attributeChanges: Array<RunResourceAttributeChange>;
  metadata: RunResourceChangeMetadata;
  /** Address before a move, if the resource moved. */
  previousAddress?: Maybe<Scalars['String']['output']>;
};

export type RunResourceChangeMetadata = {
  __typename?: 'RunResourceChangeMetadata';
  /** What happens to the resource: ADD, CHANGE, DELETE or REPLACE. */
  type: Scalars['String']['output'];
};

/** A person's review of a run. */
export type RunReview = {
  __typename?: 'RunReview';
  decision: RunReviewDecision;
  id: Scalars['ID']['output'];
  note?: Maybe<Scalars['String']['output']>;
  timestamp: Scalars['Int']['output'];
  username: Scalars['String']['output'];
};

export type RunReviewDecision =
  | 'APPROVE'
  | 'REJECT';

/** RunState represents a discrete state of a Run. */
export type RunState =
  | 'APPLYING'
  | 'CANCELED'
  | 'CONFIRMED'
  | 'DISCARDED'
  | 'FAILED'
  | 'FINISHED'
  | 'INITIALIZING'
  | 'PERFORMED'
  | 'PERFORMING'
  | 'PLANNING'
  | 'QUEUED'
  | 'STOPPED'
  | 'UNCONFIRMED'
  | 'UNKNOWN';

/** Change in the Run state, along with its metadata. */
export type RunStateTransition = {
  __typename?: 'RunStateTransition';
  /** Indicates whether the state transition has logs. */
  hasLogs: Scalars['Boolean']['output'];
  /** Optional note about the state transition. */
  note?: Maybe<Scalars['String']['output']>;
  /** New state of the Run. */
  state: RunState;
  /** How many times the Run was in this state before this transition (0 the first time). */
  stateVersion: Scalars['Int']['output'];
  /** Whether the transition finishes the run. */
  terminal: Scalars['Boolean']['output'];
  /** Unix timestamp of the transition. */
  timestamp: Scalars['Int']['output'];
  /** Unix timestamp of the subsequent state transition, if any. */
  until?: Maybe<Scalars['Int']['output']>;
  /** Username of the individual who caused the change, if any. */
  username?: Maybe<Scalars['String']['output']>;
};

/** RunType is a type of the Run. */
export type RunType =
  | 'PROPOSED'
  | 'TASK'
  | 'TRACKED'
  | 'UNKNOWN';

/** RuntimeConfig is the runtime configuration of a Run. */
export type RuntimeConfig = {
  __typename?: 'RuntimeConfig';
  /** Indicates where the root of the Terraform project is. */
  projectRoot: Scalars['String']['output'];
  /** Gantry runs OpenTofu on the worker's host, not in an image, so this is always empty. */
  runnerImage: Scalars['String']['output'];
  /** Terraform version set on the stack; empty when the worker's pinned OpenTofu is used. */
  terraformVersion: Scalars['String']['output'];
};

/** Configuration for one run, as the YAML of Spacelift's runtime config. */
export type RuntimeConfigInput = {
  yaml?: InputMaybe<Scalars['String']['input']>;
};

/** Input of the search queries: a page (first, after), full-text search, predicates that must all hold, and an order. */
export type SearchInput = {
  /** The endCursor of the previous page. */
  after?: InputMaybe<Scalars['String']['input']>;
  /** Page size: 50 at most, and when not given. */
  first?: InputMaybe<Scalars['Int']['input']>;
  /** Text that the stack's id, name, description, repository, branch or a label must contain (case aside). */
  fullTextSearch?: InputMaybe<Scalars['String']['input']>;
  /** The order: by a field (id, name, createdAt, branch, repository, state), ascending or descending. */
  orderBy?: InputMaybe<QueryOrder>;
  /** Conditions that must all hold. */
  predicates?: InputMaybe<Array<QueryPredicate>>;
};

export type SearchQueryOrderDirection =
  | 'ASC'
  | 'DESC';

/** The Slack app: whether it is set up, where to install it, and where it is installed. */
export type SlackIntegration = {
  __typename?: 'SlackIntegration';
  /** Whether SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET are all set. */
  configured: Scalars['Boolean']['output'];
  /** Page that installs the app in a workspace: GANTRY_PUBLIC_URL/slack/install. */
  installUrl: Scalars['String']['output'];
  /** The SLACK_* variables that still need setting for the /slack routes to work. */
  missingSettings: Array<Scalars['String']['output']>;
  /** Every conversation subscribed to a stack's runs, by stack. */
  subscriptions: Array<SlackSubscription>;
  /** Workspaces the app is installed in, earliest installation first. */
  workspaces: Array<SlackWorkspace>;
};

/** A Slack conversation told about a stack's runs, with the settings that choose which. */
export type SlackSubscription = {
  __typename?: 'SlackSubscription';
  /** all, default (the stack's tracked branch), or a glob the run's branch must match, such as release/*. */
  branches: Scalars['String']['output'];
  /** A channel (C…, G…), a direct message with the app (D…), or a person's member ID (U…). */
  channelId: Scalars['ID']['output'];
  /** The channel's name when it was subscribed, or @name for a person. */
  channelName: Scalars['String']['output'];
  /** Unix timestamp of the subscription. */
  createdAt: Scalars['Int']['output'];
  /** The states that post a message; empty for every state. */
  events: Array<RunState>;
  id: Scalars['ID']['output'];
  /** Whether only FAILED runs post a message (events is then not used). */
  onlyFailures: Scalars['Boolean']['output'];
  /** Unix timestamp of when Slack refused the conversation for good; no messages are tried since. */
  refusedAt?: Maybe<Scalars['Int']['output']>;
  /** Slack's error code for that refusal, such as channel_not_found. */
  refusedReason?: Maybe<Scalars['String']['output']>;
  stackId: Scalars['ID']['output'];
  /** Slack user ID of who subscribed it, or gantry:<login> for an admin through this API. */
  subscribedBy: Scalars['String']['output'];
  /** Slack team ID of the workspace. */
  teamId: Scalars['ID']['output'];
  /** The run types that post a message; empty for every type. */
  types: Array<RunType>;
};

/** A Slack conversation to subscribe to a stack's runs, and what it hears. */
export type SlackSubscriptionInput = {
  branches?: InputMaybe<Scalars['String']['input']>;
  /** A channel (C…, G…), a direct message with the app (D…), or a person's member ID (U…). */
  channelId: Scalars['ID']['input'];
  /** The name subscriptions show; the channel's name from Slack, or the ID, when left out. */
  channelName?: InputMaybe<Scalars['String']['input']>;
  events?: InputMaybe<Array<RunState>>;
  onlyFailures?: InputMaybe<Scalars['Boolean']['input']>;
  stackId: Scalars['ID']['input'];
  /** Slack team ID of a workspace the app is installed in. */
  teamId: Scalars['ID']['input'];
  types?: InputMaybe<Array<RunType>>;
};

/** What a Slack subscription hears; what is left out keeps its value (for a new one, every run). */
export type SlackSubscriptionSettingsInput = {
  /** all, default (the stack's tracked branch), or a glob such as release/*. */
  branches?: InputMaybe<Scalars['String']['input']>;
  /** The states that post a message; empty for every state. Giving events turns onlyFailures off. */
  events?: InputMaybe<Array<RunState>>;
  /** Only FAILED runs post a message; not together with events. */
  onlyFailures?: InputMaybe<Scalars['Boolean']['input']>;
  /** The run types that post a message; empty for every type. */
  types?: InputMaybe<Array<RunType>>;
};

/** A Slack workspace the app is installed in. */
export type SlackWorkspace = {
  __typename?: 'SlackWorkspace';
  /** Slack user ID of Gantry's bot user in the workspace. */
  botUserId: Scalars['String']['output'];
  /** ID of the Enterprise Grid organization the workspace belongs to, if any. */
  enterpriseId?: Maybe<Scalars['ID']['output']>;
  /** Unix timestamp of the installation (the latest one, if it was installed again). */
  installedAt: Scalars['Int']['output'];
  /** Slack user ID of the person who installed the app. */
  installedBy: Scalars['String']['output'];
  /** Slack team ID of the workspace, such as T0123ABCD. */
  teamId: Scalars['ID']['output'];
  /** Name of the workspace when it was installed. */
  teamName?: Maybe<Scalars['String']['output']>;
};

/**
 * A space: a node of the tree stacks, contexts, policies and worker pools are organized in. root
 * is the top; legacy, under it, inherits its entities.
 */
export type Space = {
  __typename?: 'Space';
  /** The caller's access in the space. */
  accessLevel: SpaceAccessLevel;
  description: Scalars['String']['output'];
  /** Unique, immutable identifier, made from the name at creation. */
  id: Scalars['ID']['output'];
  /** Whether stacks in the space may attach the contexts and policies of its parent space (and, if it inherits too, of the parent's parent, and so on). */
  inheritEntities: Scalars['Boolean']['output'];
  labels: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** The parent space's id; null for root alone. */
  parentSpace?: Maybe<Scalars['ID']['output']>;
};

export type SpaceAccessLevel =
  | 'ADMIN'
  | 'NONE'
  | 'READ'
  | 'WRITE';

/** A space as spaceCreate and spaceUpdate set it: whole, so fields left out take their defaults. */
export type SpaceInput = {
  /** Empty when not given. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Whether stacks in the space may attach the contexts and policies of its parent; false when not given. */
  inheritEntities?: InputMaybe<Scalars['Boolean']['input']>;
  /** Free-form labels; none when not given. */
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  name: Scalars['String']['input'];
  /** The parent space's id; root when not given. */
  parentSpace?: InputMaybe<Scalars['ID']['input']>;
};

/** Stack represents a single OpenTofu/Terraform project. */
export type Stack = {
  __typename?: 'Stack';
  /** Extra file globs whose changes should start the stack's runs, as set in StackInput; Gantry keeps them but starts runs for any change of the repository. */
  additionalProjectGlobs: Array<Scalars['String']['output']>;
  /** Administrative stacks can manage other Stacks at runtime. */
  administrative: Scalars['Boolean']['output'];
  /** Commands run before and after each phase, each as sh -c in the workspace with the run's environment (StackInput's lists of the same names). */
  afterApply: Array<Scalars['String']['output']>;
  afterDestroy: Array<Scalars['String']['output']>;
  afterInit: Array<Scalars['String']['output']>;
  afterPerform: Array<Scalars['String']['output']>;
  afterPlan: Array<Scalars['String']['output']>;
  afterRun: Array<Scalars['String']['output']>;
  /** List of contexts attached to this Stack. */
  attachedContexts: Array<StackContextAttachment>;
  /** Policies attached to this Stack (admins only; others see an empty list). */
  attachedPolicies: Array<StackPolicyAttachment>;
  /** Whether a plan with changes is applied without waiting for a confirmation. */
  autodeploy: Scalars['Boolean']['output'];
  /** Whether obsolete proposed runs should be retried by themselves, as set in StackInput; Gantry keeps the setting but never retries runs. */
  autoretry: Scalars['Boolean']['output'];
  /** AWS IAM console link to create the role to assume. */
  awsAssumeRoleLink: Scalars['String']['output'];
  /** AWS IAM trust policy statement the role needs so that Gantry's workers may assume it for this stack; fill in the principal the workers run as. */
  awsAssumeRolePolicyStatement: Scalars['String']['output'];
  /** AWS IAM role to assume, if any; runs get it as AWS_ROLE_ARN. */
  awsAssumedRoleARN?: Maybe<Scalars['String']['output']>;
  beforeApply: Array<Scalars['String']['output']>;
  beforeDestroy: Array<Scalars['String']['output']>;
  beforeInit: Array<Scalars['String']['output']>;
  beforePerform: Array<Scalars['String']['output']>;
  beforePlan: Array<Scalars['String']['output']>;
  /** The Run that's currently holding the stack lock, if any. */
  blocker?: Maybe<Run>;
  /** Git branch of the repo that the Stack is tracking. */
  branch: Scalars['String']['output'];
  /** Whether the user has write privileges for this Stack. */
  canWrite: Scalars['Boolean']['output'];
  /** Full list of stack config elements. */
  config: Array<ConfigElement>;
  /** Single stack config element. */
  configElement?: Maybe<ConfigElement>;
  /** Unix timestamp of the Stack's creation. */
  createdAt: Scalars['Int']['output'];
  /** Whether the Stack is deleted; Gantry deletes a Stack at once, so false. */
  deleted: Scalars['Boolean']['output'];
  /** Whether the Stack is being deleted with its resources (stackDelete with destroyResources): its destroy run is under way, and it starts no other runs. */
  deleting: Scalars['Boolean']['output'];
  /** Stacks this stack depends on; Gantry has no stack dependencies: empty. */
  dependsOn: Array<StackDependency>;
  /** Free-form stack description for the users, supports Markdown. */
  description?: Maybe<Scalars['String']['output']>;
  /** Spacelift's upload of sensitive outputs for stack dependencies, as set in StackInput; Gantry keeps it but has no stack dependencies. */
  enableSensitiveOutputUpload: Scalars['Boolean']['output'];
  /** Spacelift's masking of well-known secret patterns in logs, as set in StackInput; Gantry keeps it, and masks write-only values whatever it says. */
  enableWellKnownSecretMasking: Scalars['Boolean']['output'];
  /** The resource instances of the stack's current state; their attribute values are shown to those who may change the stack, with values the provider marks sensitive hidden. */
  entities: Array<ManagedEntity>;
  /** Paths a sparse checkout would be limited to, as set in StackInput; Gantry keeps them but checks out the whole commit. */
  gitSparseCheckoutPaths: Array<Scalars['String']['output']>;
  /** Spacelift's setting for GitHub Actions deployments, as set in StackInput; Gantry keeps it but has no GitHub integration. */
  githubActionDeploy: Scalars['Boolean']['output'];
  /** Unique (within a single organization), immutable name of the stack. */
  id: Scalars['ID']['output'];
  /** The Stack's cloud and notification integrations: its AWS role (stackSetAwsRoleDelegation); Gantry has no drift detection, GCP integration or webhooks of Spacelift's. */
  integrations: StackIntegrations;
  /** Stacks that depend on this stack; Gantry has no stack dependencies: empty. */
  isDependedOnBy: Array<StackDependency>;
  /** A disabled Stack starts no runs until it is enabled again. */
  isDisabled: Scalars['Boolean']['output'];
  /** Free-form labels, also seen by stack access policies. */
  labels: Array<Scalars['String']['output']>;
  /** Whether spacectl's local preview may start runs from a local workspace, as set in StackInput; Gantry keeps the setting but has no local preview. */
  localPreviewEnabled: Scalars['Boolean']['output'];
  /** What the person who locked the Stack said about it, if anything. */
  lockNote?: Maybe<Scalars['String']['output']>;
  /** Username of the person who locked the Stack for their exclusive use. */
  lockedBy?: Maybe<Scalars['String']['output']>;
  /** Is Gantry responsible for managing the Terraform state file. */
  managesStateFile: Scalars['Boolean']['output'];
  /** Versions of the module registry's modules the stack's code uses; Gantry has no module registry: empty. */
  moduleVersionsUsed: Array<ModuleVersion>;
  /** Fancy, mutable name of the Stack to show in the UI. */
  name: Scalars['String']['output'];
  /** Owner of the repository: a GitLab Stack's group path; for a GIT Stack the namespace it was given; empty for a RAW_GIT one. */
  namespace: Scalars['String']['output'];
  /** The outputs of the stack's current state, by name; a sensitive output's value is hidden (null). */
  outputs: Array<StackOutput>;
  /** Directory of the repository the stack's code is in; the repository's root when null. */
  projectRoot?: Maybe<Scalars['String']['output']>;
  /** Paginated list of proposed Runs (other branches and merge requests), 50 a page, newest first. */
  proposedRuns: Array<Run>;
  /** Whether stackDelete refuses to delete the Stack until this is set to false. */
  protectFromDeletion: Scalars['Boolean']['output'];
  /** Where the code comes from. */
  provider: VcsProvider;
  /** Readers team, if any. */
  readers?: Maybe<Team>;
  /** Repository tracked by this stack: group/project on GitLab, a git URL for RAW_GIT. */
  repository: Scalars['String']['output'];
  /** The clone URL of a GIT or RAW_GIT Stack; null for a GitLab one. */
  repositoryURL?: Maybe<Scalars['String']['output']>;
  /** Individual Run (or task) by ID. */
  run?: Maybe<Run>;
  /** The container image runs use; Gantry runs tools on its workers, not in images: null. */
  runnerImage?: Maybe<Scalars['String']['output']>;
  /** Paginated list of Runs targeting the tracked branch, 50 a page, newest first. */
  runs: Array<Run>;
  /** Calculated runtime config containing elements coming from contexts and the stack. */
  runtimeConfig: Array<ConfigElementWithSource>;
  /** The space the Stack is in. */
  space: Scalars['ID']['output'];
  /** Details of the Stack's space. */
  spaceDetails: Space;
  /** Whether the caller starred the Stack; Gantry has no stars: false. */
  starred: Scalars['Boolean']['output'];
  /** Current state of the Stack: the state of its latest tracked Run that has started. */
  state: StackState;
  /** Unix timestamp of the Stack's last change of state (its latest tracked run's last transition); null while its state is NONE. */
  stateSetAt?: Maybe<Scalars['Int']['output']>;
  /** Paginated list of Tasks, 50 a page, newest first. */
  tasks: Array<Run>;
  /** Terraform version set by the admin. */
  terraformVersion?: Maybe<Scalars['String']['output']>;
  /** A glob of tag names (such as `v*`): each GitLab tag push that matches starts a tracked run at the tag's commit. Null: tags start no runs. */
  trackTags?: Maybe<Scalars['String']['output']>;
  /** The commit runs take when none is given: set by a person, or the last push to the branch; null until then, when runs take the branch's head. */
  trackedCommit?: Maybe<Commit>;
  /** Who set the tracked commit; null when a push set it. */
  trackedCommitSetBy?: Maybe<Scalars['String']['output']>;
  /** The VCS integration the Stack uses: for a GitLab Stack Gantry's one GitLab integration (id gitlab, the default); null for git remotes. */
  vcsIntegration?: Maybe<VcsIntegration>;
  /** The infrastructure tool and its settings: OpenTofu, as Terraform's workflow tool OPEN_TOFU. */
  vendorConfig: StackConfigVendor;
  /** The worker pool running the Stack's runs; null for Gantry's own workers. */
  workerPool?: Maybe<WorkerPool>;
  /** Writers team, if any. */
  writers?: Maybe<Team>;
};


/** Stack represents a single OpenTofu/Terraform project. */
export type StackConfigElementArgs = {
  id: Scalars['ID']['input'];
};


/** Stack represents a single OpenTofu/Terraform project. */
export type StackProposedRunsArgs = {
  before?: InputMaybe<Scalars['ID']['input']>;
};


/** Stack represents a single OpenTofu/Terraform project. */
export type StackRunArgs = {
  id: Scalars['ID']['input'];
};


/** Stack represents a single OpenTofu/Terraform project. */
export type StackRunsArgs = {
  before?: InputMaybe<Scalars['ID']['input']>;
};


/** Stack represents a single OpenTofu/Terraform project. */
export type StackTasksArgs = {
  before?: InputMaybe<Scalars['ID']['input']>;
};

/** How runs of a Stack get AWS credentials. */
export type StackAwsIntegration = {
  __typename?: 'StackAwsIntegration';
  /** The trust policy statement the role needs (as Stack.awsAssumeRolePolicyStatement). */
  assumeRolePolicyStatement: Scalars['String']['output'];
  /** The role runs assume (stackSetAwsRoleDelegation); null when none. */
  assumedRoleArn?: Maybe<Scalars['String']['output']>;
  /** The tools' own default session length: null. */
  durationSeconds?: Maybe<Scalars['Int']['output']>;
  /** Gantry sets no external ID: null. */
  externalID?: Maybe<Scalars['String']['output']>;
  /** Whether the worker itself assumes the role: true whenever a role is set, as Gantry's workers hand the role to the run's tools (AWS_ROLE_ARN) and assume nothing elsewhere. */
  generateCredentialsInWorker: Scalars['Boolean']['output'];
  /** The tools' own default region: null. */
  region?: Maybe<Scalars['String']['output']>;
};

export type StackConfigVendor = StackConfigVendorAnsible | StackConfigVendorCloudFormation | StackConfigVendorKubernetes | StackConfigVendorOpenTofu | StackConfigVendorPulumi | StackConfigVendorTerraform | StackConfigVendorTerragrunt;

export type StackConfigVendorAnsible = {
  __typename?: 'StackConfigVendorAnsible';
  playbook: Scalars['String']['output'];
};

export type StackConfigVendorCloudFormation = {
  __typename?: 'StackConfigVendorCloudFormation';
  entryTemplateFile: Scalars['String']['output'];
  region: Scalars['String']['output'];
  stackName: Scalars['String']['output'];
  templateBucket: Scalars['String']['output'];
};

export type StackConfigVendorKubernetes = {
  __typename?: 'StackConfigVendorKubernetes';
  kubectlVersion?: Maybe<Scalars['String']['output']>;
  kubernetesWorkflowTool?: Maybe<KubernetesWorkflowTool>;
  namespace: Scalars['String']['output'];
};

export type StackConfigVendorOpenTofu = {
  __typename?: 'StackConfigVendorOpenTofu';
  concise: Scalars['Boolean']['output'];
  externalStateAccessEnabled: Scalars['Boolean']['output'];
  useSmartSanitization: Scalars['Boolean']['output'];
  version?: Maybe<Scalars['String']['output']>;
  workflowTool?: Maybe<OpenTofuWorkflowTool>;
  workspace?: Maybe<Scalars['String']['output']>;
};

export type StackConfigVendorPulumi = {
  __typename?: 'StackConfigVendorPulumi';
  loginURL: Scalars['String']['output'];
  stackName: Scalars['String']['output'];
};

/** Terraform-family stacks; Gantry's are all OpenTofu (workflowTool OPEN_TOFU). */
export type StackConfigVendorTerraform = {
  __typename?: 'StackConfigVendorTerraform';
  /** Whether the state can be read from outside runs; Gantry's state backend answers only runs: false. */
  externalStateAccessEnabled: Scalars['Boolean']['output'];
  useSmartSanitization: Scalars['Boolean']['output'];
  /** The OpenTofu version (Stack.terraformVersion); null for the worker's own. */
  version?: Maybe<Scalars['String']['output']>;
  workflowTool?: Maybe<TerraformWorkflowTool>;
  /** Gantry uses the default workspace: null. */
  workspace?: Maybe<Scalars['String']['output']>;
};

export type StackConfigVendorTerragrunt = {
  __typename?: 'StackConfigVendorTerragrunt';
  prefixResourceNamesWithModuleName: Scalars['Boolean']['output'];
  skipReplan: Scalars['Boolean']['output'];
  skipReplanWhenRunAll: Scalars['Boolean']['output'];
  terraformVersion?: Maybe<Scalars['String']['output']>;
  terragruntVersion?: Maybe<Scalars['String']['output']>;
  tool: TerragruntTool;
  useRunAll: Scalars['Boolean']['output'];
  useSmartSanitization: Scalars['Boolean']['output'];
  useStateManagement: Scalars['Boolean']['output'];
};

/** StackContextAttachment is the stack attachment viewed from the Stack. */
export type StackContextAttachment = {
  __typename?: 'StackContextAttachment';
  /** Full list of the context's config elements. */
  config: Array<ConfigElement>;
  /** ID of the attached context. */
  contextId: Scalars['ID']['output'];
  /** Name of the attached context. */
  contextName: Scalars['String']['output'];
  /** Globally unique attachment identifier. */
  id: Scalars['ID']['output'];
  /** Whether the context is attached by a label rather than by hand; Gantry attaches by hand only: false. */
  isAutoattached: Scalars['Boolean']['output'];
  /** Priority of the context on the stack; the lower number wins. */
  priority: Scalars['Int']['output'];
};

/** A dependency of one stack on another. */
export type StackDependency = {
  __typename?: 'StackDependency';
  /** The stack depended on. */
  dependsOnStack: Stack;
  id: Scalars['ID']['output'];
  /** The dependent stack. */
  stack: Stack;
};

export type StackDriftDetectionIntegration = {
  __typename?: 'StackDriftDetectionIntegration';
  ignoreState: Scalars['Boolean']['output'];
  reconcile: Scalars['Boolean']['output'];
  schedule: Array<Scalars['String']['output']>;
  timezone: Scalars['String']['output'];
};

export type StackEdge = {
  __typename?: 'StackEdge';
  cursor: Scalars['String']['output'];
  node: Stack;
};

export type StackGcpIntegration = {
  __typename?: 'StackGcpIntegration';
  serviceAccountEmail?: Maybe<Scalars['String']['output']>;
  tokenScopes: Array<Scalars['String']['output']>;
};

/** Arguments used to create and update an individual Stack. */
export type StackInput = {
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  additionalProjectGlobs?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Administrative stacks can manage other Stacks at runtime. */
  administrative: Scalars['Boolean']['input'];
  /** Commands run after applying; empty when not given. */
  afterApply?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run after a destroy run applied its plan; empty when not given. */
  afterDestroy?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run after initialization; empty when not given. */
  afterInit?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run after a task's command; empty when not given. */
  afterPerform?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run after planning; empty when not given. */
  afterPlan?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run at the end of the run's last phase on the worker, whatever its outcome; empty when not given. */
  afterRun?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Apply plans with changes without waiting for a confirmation; false when not given. */
  autodeploy?: InputMaybe<Scalars['Boolean']['input']>;
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  autoretry?: InputMaybe<Scalars['Boolean']['input']>;
  /** Commands run before applying (tofu apply); empty when not given. */
  beforeApply?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run before a destroy run (stackDelete with destroyResources) applies its plan; empty when not given. */
  beforeDestroy?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run before initialization (tofu init), each as sh -c in the workspace; empty when not given. */
  beforeInit?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run before a task's command; empty when not given. */
  beforePerform?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Commands run before planning (tofu plan); empty when not given. */
  beforePlan?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Name of the branch to track. */
  branch: Scalars['String']['input'];
  /** Optional free-form description of the Stack. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  enableSensitiveOutputUpload?: InputMaybe<Scalars['Boolean']['input']>;
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  enableWellKnownSecretMasking?: InputMaybe<Scalars['Boolean']['input']>;
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  gitSparseCheckoutPaths?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  githubActionDeploy?: InputMaybe<Scalars['Boolean']['input']>;
  /** Free-form labels. */
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Kept and answered as given; Gantry has no such feature (see Stack's field of the same name). */
  localPreviewEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** Human-friendly, mutable stack name. */
  name: Scalars['String']['input'];
  /** A GitLab Stack's group path, when repository is the project's name alone (the Stack then answers the two apart, as given); a GIT Stack's free-form namespace. */
  namespace?: InputMaybe<Scalars['String']['input']>;
  /** Directory of the repository the stack's code is in. */
  projectRoot?: InputMaybe<Scalars['String']['input']>;
  /** Whether stackDelete refuses to delete the Stack; false when not given. */
  protectFromDeletion?: InputMaybe<Scalars['Boolean']['input']>;
  /** Where the code comes from; GITLAB when not given. */
  provider?: InputMaybe<VcsProvider>;
  /** Optional readers team slug. */
  readersSlug?: InputMaybe<Scalars['String']['input']>;
  /** Name of the repository to track: group/project on GitLab, a git URL for RAW_GIT. */
  repository: Scalars['String']['input'];
  /** The clone URL of a GIT Stack (required with provider GIT). */
  repositoryURL?: InputMaybe<Scalars['String']['input']>;
  /** Gantry runs tools on its workers, not in images: must be null. */
  runnerImage?: InputMaybe<Scalars['String']['input']>;
  /** The Stack's space; root when null. Contexts and policies attached to it must still be usable from there. */
  space?: InputMaybe<Scalars['ID']['input']>;
  /** Terraform version to use. */
  terraformVersion?: InputMaybe<Scalars['String']['input']>;
  /** A glob of tag names (such as `v*`) whose GitLab tag pushes start tracked runs at the tag's commit; no tag starts a run when not given. */
  trackTags?: InputMaybe<Scalars['String']['input']>;
  /** Gantry has one VCS integration, its GitLab integration, id gitlab: null or gitlab. */
  vcsIntegrationId?: InputMaybe<Scalars['ID']['input']>;
  /** The infrastructure tool: Gantry runs OpenTofu, set through terraform (workflowTool OPEN_TOFU) or opentofu; version is the tool version (as terraformVersion). */
  vendorConfig?: InputMaybe<VendorConfigInput>;
  /** The worker pool that runs the Stack's runs: one in the Stack's space or a space above it; null (or left out) for Gantry's own workers. */
  workerPool?: InputMaybe<Scalars['ID']['input']>;
  /** Optional writers team slug. */
  writersSlug?: InputMaybe<Scalars['String']['input']>;
};

/** A Stack's cloud and notification integrations. */
export type StackIntegrations = {
  __typename?: 'StackIntegrations';
  aws: StackAwsIntegration;
  /** Gantry has no drift detection: null. */
  driftDetection?: Maybe<StackDriftDetectionIntegration>;
  /** Gantry has no GCP integration: null. */
  gcp?: Maybe<StackGcpIntegration>;
  /** Gantry sends no webhooks of Spacelift's: empty. */
  webhooks: Array<StackWebhook>;
};

/** An output of a stack's state. */
export type StackOutput = {
  __typename?: 'StackOutput';
  /** OpenTofu keeps no descriptions in the state: null. */
  description?: Maybe<Scalars['String']['output']>;
  /** The output's name. */
  id: Scalars['String']['output'];
  sensitive: Scalars['Boolean']['output'];
  /** The value as JSON; null for a sensitive output. */
  value?: Maybe<Scalars['String']['output']>;
};

/** A policy's attachment to a stack, viewed from the stack. */
export type StackPolicyAttachment = {
  __typename?: 'StackPolicyAttachment';
  /** Globally unique attachment identifier; policyDetach takes it. */
  id: Scalars['ID']['output'];
  policyId: Scalars['ID']['output'];
  policyLabels: Array<Scalars['String']['output']>;
  policyName: Scalars['String']['output'];
  policyType: PolicyType;
};

/** StackState represents a discrete state of a Stack, which is also the state of its most current Run. */
export type StackState =
  | 'APPLYING'
  | 'CONFIRMED'
  | 'DISCARDED'
  | 'FAILED'
  | 'FINISHED'
  | 'INITIALIZING'
  | 'NONE'
  | 'PLANNING'
  | 'STOPPED'
  | 'UNCONFIRMED';

export type StackWebhook = {
  __typename?: 'StackWebhook';
  enabled: Scalars['Boolean']['output'];
  endpoint: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  retryOnFailure?: Maybe<Scalars['Boolean']['output']>;
  secret: Scalars['String']['output'];
};

export type StacksConnection = {
  __typename?: 'StacksConnection';
  edges: Array<StackEdge>;
  pageInfo: PageInfo;
};

export type StateDownloadUrl = {
  __typename?: 'StateDownloadUrl';
  /** Pre-signed URL to GET the stack's current state file from, without an Authorization header. */
  url: Scalars['String']['output'];
};

export type StateDownloadUrlInput = {
  stackId: Scalars['ID']['input'];
};

/** StateUploadUrl represents a pre-signed URL that can be used to upload an existing state file. */
export type StateUploadUrl = {
  __typename?: 'StateUploadUrl';
  /** Temporary object ID to be passed when creating the Stack. */
  objectId: Scalars['String']['output'];
  /** Pre-signed URL to PUT the state file to, valid for one hour. */
  url: Scalars['String']['output'];
};

/** A map of strings, as a list of entries. */
export type StringMap = {
  __typename?: 'StringMap';
  entries: Array<StringMapEntry>;
};

export type StringMapEntry = {
  __typename?: 'StringMapEntry';
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** A team: a GitLab group. */
export type Team = {
  __typename?: 'Team';
  /** Opaque team ID. */
  id: Scalars['ID']['output'];
  /** Human-friendly name of the team. */
  name: Scalars['String']['output'];
  /** URL-friendly name of the team: the group's full path, as readersSlug and writersSlug name it. */
  slug: Scalars['String']['output'];
};

/** A template of Spacelift's; Gantry has none. */
export type Template = {
  __typename?: 'Template';
  createdAt: Scalars['Int']['output'];
  deploymentsCount: Scalars['Int']['output'];
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  labels: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  space: Space;
  updatedAt: Scalars['Int']['output'];
};

export type TemplateEdge = {
  __typename?: 'TemplateEdge';
  cursor: Scalars['String']['output'];
  node: Template;
};

export type TemplatesConnection = {
  __typename?: 'TemplatesConnection';
  edges: Array<TemplateEdge>;
  pageInfo: PageInfo;
};

export type TerraformEntity = TerraformModule | TerraformOutput | TerraformResource;

export type TerraformInput = {
  externalStateAccessEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  useSmartSanitization?: InputMaybe<Scalars['Boolean']['input']>;
  version?: InputMaybe<Scalars['String']['input']>;
  workflowTool?: InputMaybe<TerraformWorkflowTool>;
  workspace?: InputMaybe<Scalars['String']['input']>;
};

export type TerraformModule = {
  __typename?: 'TerraformModule';
  phantom: Scalars['Boolean']['output'];
};

export type TerraformOutput = {
  __typename?: 'TerraformOutput';
  hash: Scalars['String']['output'];
  sensitive: Scalars['Boolean']['output'];
  /** JSON-encoded value; null for a sensitive output. */
  value?: Maybe<Scalars['String']['output']>;
};

/** A provider of Spacelift's Terraform provider registry; Gantry has no provider registry. */
export type TerraformProvider = {
  __typename?: 'TerraformProvider';
  id: Scalars['ID']['output'];
  versions: Array<TerraformProviderVersion>;
};

export type TerraformProviderVersion = {
  __typename?: 'TerraformProviderVersion';
  createdAt: Scalars['Int']['output'];
  description?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  number: Scalars['String']['output'];
  platforms: Array<TerraformProviderVersionPlatform>;
  protocolVersions: Array<Scalars['String']['output']>;
  status: Scalars['String']['output'];
  updatedAt: Scalars['Int']['output'];
};

export type TerraformProviderVersionPlatform = {
  __typename?: 'TerraformProviderVersionPlatform';
  architecture: Scalars['String']['output'];
  os: Scalars['String']['output'];
};

export type TerraformResource = {
  __typename?: 'TerraformResource';
  address: Scalars['String']['output'];
  /** managed or data. */
  mode: Scalars['String']['output'];
  /** Module address; empty for the root module. */
  module: Scalars['String']['output'];
  provider: Scalars['String']['output'];
  tainted: Scalars['Boolean']['output'];
  /** JSON of the resource's attribute values, those the provider marks sensitive as null; {} for those who may only read the stack, as a state holds secrets. */
  values: Scalars['String']['output'];
};

export type TerraformWorkflowTool =
  | 'CUSTOM'
  | 'OPEN_TOFU'
  | 'TERRAFORM_FOSS';

export type TerragruntInput = {
  prefixResourceNamesWithModuleName?: InputMaybe<Scalars['Boolean']['input']>;
  skipReplan?: InputMaybe<Scalars['Boolean']['input']>;
  skipReplanWhenRunAll?: InputMaybe<Scalars['Boolean']['input']>;
  terraformVersion?: InputMaybe<Scalars['String']['input']>;
  terragruntVersion?: InputMaybe<Scalars['String']['input']>;
  tool?: InputMaybe<TerragruntTool>;
  useRunAll: Scalars['Boolean']['input'];
  useSmartSanitization: Scalars['Boolean']['input'];
  useStateManagement?: InputMaybe<Scalars['Boolean']['input']>;
};

export type TerragruntTool =
  | 'MANUALLY_PROVISIONED'
  | 'OPEN_TOFU'
  | 'TERRAFORM_FOSS';

export type Usage = {
  __typename?: 'Usage';
  /** Number of minutes that can be used within any 30 days period: Gantry sets no limit. */
  allowedMinutes: Scalars['Int']['output'];
  /** Number of users who can log in for any 30 days: Gantry sets no limit. */
  allowedSeats: Scalars['Int']['output'];
  /** Logins of users who logged in within the last 30 days. */
  logins: Array<UserLogin>;
  /** Number of minutes runs spent working (initializing, planning, applying, performing) within the last 30 days. */
  usedMinutes: Scalars['Int']['output'];
  /** Number of users who logged in within the last 30 days. */
  usedSeats: Scalars['Int']['output'];
};

/** Gantry user. */
export type User = {
  __typename?: 'User';
  /** Whether the user has account-wide admin privileges. */
  admin: Scalars['Boolean']['output'];
  /** URL of the user avatar; empty when there is none. */
  avatarURL: Scalars['String']['output'];
  /** Username: the GitLab username, `api-key/<id>` for an API key, `admin` for the admin token. */
  id: Scalars['ID']['output'];
  /** Temporary access token (a JWT) to send as `Authorization: Bearer <jwt>`. */
  jwt: Scalars['String']['output'];
  /** Full name of the user. */
  name: Scalars['String']['output'];
  /** Slugs of the teams (GitLab groups) the user is a member of. */
  teams: Array<Scalars['String']['output']>;
  /** Unix timestamp of token validity expiration. */
  validUntil: Scalars['Int']['output'];
};

/** UserLogin represents the last login of a single user. */
export type UserLogin = {
  __typename?: 'UserLogin';
  /** Last login timestamp. */
  timestamp: Scalars['Int']['output'];
  /** Username of the user. */
  username: Scalars['String']['output'];
};

/** A VCS integration of Spacelift's. */
export type VcsIntegration = {
  __typename?: 'VCSIntegration';
  id: Scalars['ID']['output'];
  isDefault: Scalars['Boolean']['output'];
};

/** Where a stack's code comes from. */
export type VcsProvider =
  /** Spacelift's name for any git remote: the repository is a name, the URL is repositoryURL (and the namespace free-form). */
  | 'GIT'
  /** A GitLab project, through the GitLab integration. */
  | 'GITLAB'
  /** Any git remote, cloned with git (including file:// URLs); the repository is its URL. */
  | 'RAW_GIT';

/** The infrastructure tool of a Stack and its settings: exactly one of the fields is set. */
export type VendorConfigInput = {
  ansible?: InputMaybe<AnsibleInput>;
  cloudFormation?: InputMaybe<CloudFormationInput>;
  kubernetes?: InputMaybe<KubernetesInput>;
  opentofu?: InputMaybe<OpenTofuInput>;
  pulumi?: InputMaybe<PulumiInput>;
  terraform?: InputMaybe<TerraformInput>;
  terragrunt?: InputMaybe<TerragruntInput>;
};

/** A worker of a worker pool. */
export type Worker = {
  __typename?: 'Worker';
  /** Whether it holds a run now. */
  busy: Scalars['Boolean']['output'];
  /** When the worker registered, in seconds since the epoch. */
  createdAt: Scalars['Int']['output'];
  /** True while the worker drains before it stops: it takes no new runs. */
  drained: Scalars['Boolean']['output'];
  id: Scalars['ID']['output'];
  /** What the worker said of itself when it registered: JSON {hostname, pid, concurrency}. */
  metadata: Scalars['String']['output'];
  /** The worker's version; Gantry's workers report none: null. */
  version?: Maybe<Scalars['String']['output']>;
};

/** A pool of workers that runs a Stack's runs. */
export type WorkerPool = {
  __typename?: 'WorkerPool';
  /** How many of the pool's live workers hold a run. */
  busyWorkers: Scalars['Int']['output'];
  /** The credential the pool's workers are given (GANTRY_WORKER_POOL_TOKEN): base64 of JSON {pool, token}. Shown to admins of the pool's space only; empty for everyone else. */
  config: Scalars['String']['output'];
  /** When the pool was created, in seconds since the epoch. */
  createdAt: Scalars['Int']['output'];
  description?: Maybe<Scalars['String']['output']>;
  /** Gantry has no drift detection: null. */
  driftDetectionRunLimit?: Maybe<Scalars['Int']['output']>;
  /** Unique, immutable identifier (a ULID). */
  id: Scalars['ID']['output'];
  labels: Array<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  /** How many runs of the stacks that use the pool wait in QUEUED. */
  pendingRuns: Scalars['Int']['output'];
  /** The space the pool is in. */
  space: Scalars['ID']['output'];
  /** Details of the pool's space. */
  spaceDetails: Space;
  /** When the pool was last changed or reset, in seconds since the epoch. */
  updatedAt: Scalars['Int']['output'];
  /** The pool's live workers: those that reported within the last minute. */
  workers: Array<Worker>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;



/** Mapping of union types */
export type ResolversUnionTypes<_RefType extends Record<string, unknown>> = {
  AnsibleEntity: ( AnsibleResource );
  CloudFormationEntity:
    | ( CloudFormationOutput )
    | ( CloudFormationResource )
  ;
  EntityVendor:
    | ( Omit<EntityVendorAnsible, 'ansible'> & { ansible?: Maybe<_RefType['AnsibleEntity']> } )
    | ( Omit<EntityVendorCloudFormation, 'cloudFormation'> & { cloudFormation?: Maybe<_RefType['CloudFormationEntity']> } )
    | ( Omit<EntityVendorKubernetes, 'kubernetes'> & { kubernetes?: Maybe<_RefType['KubernetesEntity']> } )
    | ( Omit<EntityVendorPulumi, 'pulumi'> & { pulumi?: Maybe<_RefType['PulumiEntity']> } )
    | ( Omit<EntityVendorTerraform, 'terraform'> & { terraform?: Maybe<_RefType['TerraformEntity']> } )
  ;
  KubernetesEntity:
    | ( KubernetesResource )
    | ( KubernetesRoot )
  ;
  PulumiEntity:
    | ( PulumiOutput )
    | ( PulumiResource )
    | ( PulumiStack )
  ;
  StackConfigVendor:
    | ( StackConfigVendorAnsible )
    | ( StackConfigVendorCloudFormation )
    | ( StackConfigVendorKubernetes )
    | ( StackConfigVendorOpenTofu )
    | ( StackConfigVendorPulumi )
    | ( StackConfigVendorTerraform )
    | ( StackConfigVendorTerragrunt )
  ;
  TerraformEntity:
    | ( TerraformModule )
    | ( TerraformOutput )
    | ( TerraformResource )
  ;
};


/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AccountType: AccountType;
  AnsibleEntity: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['AnsibleEntity']>;
  AnsibleInput: AnsibleInput;
  AnsibleResource: ResolverTypeWrapper<AnsibleResource>;
  ApiKey: ResolverTypeWrapper<ApiKeyModel>;
  ApiKeyInput: ApiKeyInput;
  AuditTrailActor: ResolverTypeWrapper<AuditTrailActor>;
  AuditTrailActorRun: ResolverTypeWrapper<AuditTrailActorRun>;
  AuditTrailEntriesConnection: ResolverTypeWrapper<AuditTrailEntriesConnection>;
  AuditTrailEntry: ResolverTypeWrapper<AuditTrailEntry>;
  AuditTrailEntryEdge: ResolverTypeWrapper<AuditTrailEntryEdge>;
  AuditTrailResource: ResolverTypeWrapper<AuditTrailResource>;
  Blueprint: ResolverTypeWrapper<Omit<Blueprint, 'space'> & { space: ResolversTypes['Space'] }>;
  BlueprintEdge: ResolverTypeWrapper<Omit<BlueprintEdge, 'node'> & { node: ResolversTypes['Blueprint'] }>;
  BlueprintState: BlueprintState;
  BlueprintTemplateInput: ResolverTypeWrapper<BlueprintTemplateInput>;
  BlueprintsConnection: ResolverTypeWrapper<Omit<BlueprintsConnection, 'edges'> & { edges: Array<ResolversTypes['BlueprintEdge']> }>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CloudFormationEntity: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['CloudFormationEntity']>;
  CloudFormationInput: CloudFormationInput;
  CloudFormationOutput: ResolverTypeWrapper<CloudFormationOutput>;
  CloudFormationResource: ResolverTypeWrapper<CloudFormationResource>;
  Commit: ResolverTypeWrapper<Commit>;
  ConfigElement: ResolverTypeWrapper<ConfigElementRow>;
  ConfigElementWithSource: ResolverTypeWrapper<ResolvedElement>;
  ConfigInput: ConfigInput;
  ConfigType: ConfigType;
  Context: ResolverTypeWrapper<ContextRow>;
  ContextHooks: ResolverTypeWrapper<ContextHooks>;
  ContextInput: ContextInput;
  ContextStackAttachment: ResolverTypeWrapper<ContextAttachmentModel>;
  DebugInfo: ResolverTypeWrapper<DebugInfo>;
  Delta: ResolverTypeWrapper<Delta>;
  EntityVendor: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['EntityVendor']>;
  EntityVendorAnsible: ResolverTypeWrapper<Omit<EntityVendorAnsible, 'ansible'> & { ansible?: Maybe<ResolversTypes['AnsibleEntity']> }>;
  EntityVendorCloudFormation: ResolverTypeWrapper<Omit<EntityVendorCloudFormation, 'cloudFormation'> & { cloudFormation?: Maybe<ResolversTypes['CloudFormationEntity']> }>;
  EntityVendorKubernetes: ResolverTypeWrapper<Omit<EntityVendorKubernetes, 'kubernetes'> & { kubernetes?: Maybe<ResolversTypes['KubernetesEntity']> }>;
  EntityVendorPulumi: ResolverTypeWrapper<Omit<EntityVendorPulumi, 'pulumi'> & { pulumi?: Maybe<ResolversTypes['PulumiEntity']> }>;
  EntityVendorTerraform: ResolverTypeWrapper<Omit<EntityVendorTerraform, 'terraform'> & { terraform?: Maybe<ResolversTypes['TerraformEntity']> }>;
  EnvironmentVariable: EnvironmentVariable;
  GitLabIntegration: ResolverTypeWrapper<GitLabIntegration>;
  GitLabProjectHook: ResolverTypeWrapper<GitLabProjectHook>;
  GpgKey: ResolverTypeWrapper<GpgKey>;
  HooksInput: HooksInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  KubernetesEntity: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['KubernetesEntity']>;
  KubernetesInput: KubernetesInput;
  KubernetesResource: ResolverTypeWrapper<KubernetesResource>;
  KubernetesRoot: ResolverTypeWrapper<KubernetesRoot>;
  KubernetesWorkflowTool: KubernetesWorkflowTool;
  LocalWorkspaceUpload: ResolverTypeWrapper<LocalWorkspaceUpload>;
  LogMessage: ResolverTypeWrapper<LogMessage>;
  LogsResponse: ResolverTypeWrapper<LogsResponse>;
  ManagedEntity: ResolverTypeWrapper<Omit<ManagedEntity, 'creator' | 'updater' | 'vendor'> & { creator?: Maybe<ResolversTypes['Run']>, updater?: Maybe<ResolversTypes['Run']>, vendor: ResolversTypes['EntityVendor'] }>;
  Module: ResolverTypeWrapper<Omit<Module, 'current' | 'searchModuleVersions' | 'spaceDetails' | 'workerPool'> & { current?: Maybe<ResolversTypes['ModuleVersion']>, searchModuleVersions: ResolversTypes['ModuleVersionsConnection'], spaceDetails: ResolversTypes['Space'], workerPool?: Maybe<ResolversTypes['WorkerPool']> }>;
  ModuleEdge: ResolverTypeWrapper<Omit<ModuleEdge, 'node'> & { node: ResolversTypes['Module'] }>;
  ModuleVersion: ResolverTypeWrapper<Omit<ModuleVersion, 'module'> & { module: ResolversTypes['Module'] }>;
  ModuleVersionEdge: ResolverTypeWrapper<Omit<ModuleVersionEdge, 'node'> & { node: ResolversTypes['ModuleVersion'] }>;
  ModuleVersionsConnection: ResolverTypeWrapper<Omit<ModuleVersionsConnection, 'edges'> & { edges: Array<ResolversTypes['ModuleVersionEdge']> }>;
  ModulesConnection: ResolverTypeWrapper<Omit<ModulesConnection, 'edges'> & { edges: Array<ResolversTypes['ModuleEdge']> }>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OAuthRedirect: ResolverTypeWrapper<OAuthRedirect>;
  OpenTofuInput: OpenTofuInput;
  OpenTofuWorkflowTool: OpenTofuWorkflowTool;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  PoliciesConnection: ResolverTypeWrapper<Omit<PoliciesConnection, 'edges'> & { edges: Array<ResolversTypes['PolicyEdge']> }>;
  Policy: ResolverTypeWrapper<PolicyRow>;
  PolicyCreateInput: PolicyCreateInput;
  PolicyEdge: ResolverTypeWrapper<Omit<PolicyEdge, 'node'> & { node: ResolversTypes['Policy'] }>;
  PolicyEngineType: PolicyEngineType;
  PolicyEvaluationRecord: ResolverTypeWrapper<PolicyEvaluationRecord>;
  PolicyStackAttachment: ResolverTypeWrapper<PolicyAttachmentRow>;
  PolicyType: PolicyType;
  PolicyUpdateInput: PolicyUpdateInput;
  PulumiEntity: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['PulumiEntity']>;
  PulumiInput: PulumiInput;
  PulumiOutput: ResolverTypeWrapper<PulumiOutput>;
  PulumiResource: ResolverTypeWrapper<PulumiResource>;
  PulumiStack: ResolverTypeWrapper<PulumiStack>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  QueryFieldConstraint: QueryFieldConstraint;
  QueryOrder: QueryOrder;
  QueryPredicate: QueryPredicate;
  Repository: ResolverTypeWrapper<Repository>;
  Run: ResolverTypeWrapper<RunRow>;
  RunChanges: ResolverTypeWrapper<RunChanges>;
  RunComment: ResolverTypeWrapper<RunComment>;
  RunMergeRequest: ResolverTypeWrapper<RunMergeRequest>;
  RunResourceAttributeChange: ResolverTypeWrapper<RunResourceAttributeChange>;
  RunResourceChange: ResolverTypeWrapper<RunResourceChange>;
  RunResourceChangeMetadata: ResolverTypeWrapper<RunResourceChangeMetadata>;
  RunReview: ResolverTypeWrapper<RunReview>;
  RunReviewDecision: RunReviewDecision;
  RunState: RunState;
  RunStateTransition: ResolverTypeWrapper<RunStateTransition>;
  RunType: RunType;
  RuntimeConfig: ResolverTypeWrapper<RuntimeConfig>;
  RuntimeConfigInput: RuntimeConfigInput;
  SearchInput: SearchInput;
  SearchQueryOrderDirection: SearchQueryOrderDirection;
  SlackIntegration: ResolverTypeWrapper<SlackIntegration>;
  SlackSubscription: ResolverTypeWrapper<SlackSubscription>;
  SlackSubscriptionInput: SlackSubscriptionInput;
  SlackSubscriptionSettingsInput: SlackSubscriptionSettingsInput;
  SlackWorkspace: ResolverTypeWrapper<SlackWorkspace>;
  Space: ResolverTypeWrapper<SpaceModel>;
  SpaceAccessLevel: SpaceAccessLevel;
  SpaceInput: SpaceInput;
  Stack: ResolverTypeWrapper<StackRow>;
  StackAwsIntegration: ResolverTypeWrapper<StackAwsIntegration>;
  StackConfigVendor: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['StackConfigVendor']>;
  StackConfigVendorAnsible: ResolverTypeWrapper<StackConfigVendorAnsible>;
  StackConfigVendorCloudFormation: ResolverTypeWrapper<StackConfigVendorCloudFormation>;
  StackConfigVendorKubernetes: ResolverTypeWrapper<StackConfigVendorKubernetes>;
  StackConfigVendorOpenTofu: ResolverTypeWrapper<StackConfigVendorOpenTofu>;
  StackConfigVendorPulumi: ResolverTypeWrapper<StackConfigVendorPulumi>;
  StackConfigVendorTerraform: ResolverTypeWrapper<StackConfigVendorTerraform>;
  StackConfigVendorTerragrunt: ResolverTypeWrapper<StackConfigVendorTerragrunt>;
  StackContextAttachment: ResolverTypeWrapper<StackAttachmentModel>;
  StackDependency: ResolverTypeWrapper<Omit<StackDependency, 'dependsOnStack' | 'stack'> & { dependsOnStack: ResolversTypes['Stack'], stack: ResolversTypes['Stack'] }>;
  StackDriftDetectionIntegration: ResolverTypeWrapper<StackDriftDetectionIntegration>;
  StackEdge: ResolverTypeWrapper<Omit<StackEdge, 'node'> & { node: ResolversTypes['Stack'] }>;
  StackGcpIntegration: ResolverTypeWrapper<StackGcpIntegration>;
  StackInput: StackInput;
  StackIntegrations: ResolverTypeWrapper<StackIntegrations>;
  StackOutput: ResolverTypeWrapper<StackOutput>;
  StackPolicyAttachment: ResolverTypeWrapper<PolicyAttachmentRow>;
  StackState: StackState;
  StackWebhook: ResolverTypeWrapper<StackWebhook>;
  StacksConnection: ResolverTypeWrapper<Omit<StacksConnection, 'edges'> & { edges: Array<ResolversTypes['StackEdge']> }>;
  StateDownloadUrl: ResolverTypeWrapper<StateDownloadUrl>;
  StateDownloadUrlInput: StateDownloadUrlInput;
  StateUploadUrl: ResolverTypeWrapper<StateUploadUrl>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  StringMap: ResolverTypeWrapper<StringMap>;
  StringMapEntry: ResolverTypeWrapper<StringMapEntry>;
  Team: ResolverTypeWrapper<Team>;
  Template: ResolverTypeWrapper<Omit<Template, 'space'> & { space: ResolversTypes['Space'] }>;
  TemplateEdge: ResolverTypeWrapper<Omit<TemplateEdge, 'node'> & { node: ResolversTypes['Template'] }>;
  TemplatesConnection: ResolverTypeWrapper<Omit<TemplatesConnection, 'edges'> & { edges: Array<ResolversTypes['TemplateEdge']> }>;
  TerraformEntity: ResolverTypeWrapper<ResolversUnionTypes<ResolversTypes>['TerraformEntity']>;
  TerraformInput: TerraformInput;
  TerraformModule: ResolverTypeWrapper<TerraformModule>;
  TerraformOutput: ResolverTypeWrapper<TerraformOutput>;
  TerraformProvider: ResolverTypeWrapper<TerraformProvider>;
  TerraformProviderVersion: ResolverTypeWrapper<TerraformProviderVersion>;
  TerraformProviderVersionPlatform: ResolverTypeWrapper<TerraformProviderVersionPlatform>;
  TerraformResource: ResolverTypeWrapper<TerraformResource>;
  TerraformWorkflowTool: TerraformWorkflowTool;
  TerragruntInput: TerragruntInput;
  TerragruntTool: TerragruntTool;
  Usage: ResolverTypeWrapper<Usage>;
  User: ResolverTypeWrapper<UserModel>;
  UserLogin: ResolverTypeWrapper<UserLogin>;
  VCSIntegration: ResolverTypeWrapper<VcsIntegration>;
  VCSProvider: VcsProvider;
  VendorConfigInput: VendorConfigInput;
  Worker: ResolverTypeWrapper<Worker>;
  WorkerPool: ResolverTypeWrapper<WorkerPoolRow>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AnsibleEntity: ResolversUnionTypes<ResolversParentTypes>['AnsibleEntity'];
  AnsibleInput: AnsibleInput;
  AnsibleResource: AnsibleResource;
  ApiKey: ApiKeyModel;
  ApiKeyInput: ApiKeyInput;
  AuditTrailActor: AuditTrailActor;
  AuditTrailActorRun: AuditTrailActorRun;
  AuditTrailEntriesConnection: AuditTrailEntriesConnection;
  AuditTrailEntry: AuditTrailEntry;
  AuditTrailEntryEdge: AuditTrailEntryEdge;
  AuditTrailResource: AuditTrailResource;
  Blueprint: Omit<Blueprint, 'space'> & { space: ResolversParentTypes['Space'] };
  BlueprintEdge: Omit<BlueprintEdge, 'node'> & { node: ResolversParentTypes['Blueprint'] };
  BlueprintTemplateInput: BlueprintTemplateInput;
  BlueprintsConnection: Omit<BlueprintsConnection, 'edges'> & { edges: Array<ResolversParentTypes['BlueprintEdge']> };
  Boolean: Scalars['Boolean']['output'];
  CloudFormationEntity: ResolversUnionTypes<ResolversParentTypes>['CloudFormationEntity'];
  CloudFormationInput: CloudFormationInput;
  CloudFormationOutput: CloudFormationOutput;
  CloudFormationResource: CloudFormationResource;
  Commit: Commit;
  ConfigElement: ConfigElementRow;
  ConfigElementWithSource: ResolvedElement;
  ConfigInput: ConfigInput;
  Context: ContextRow;
  ContextHooks: ContextHooks;
  ContextInput: ContextInput;
  ContextStackAttachment: ContextAttachmentModel;
  DebugInfo: DebugInfo;
  Delta: Delta;
  EntityVendor: ResolversUnionTypes<ResolversParentTypes>['EntityVendor'];
  EntityVendorAnsible: Omit<EntityVendorAnsible, 'ansible'> & { ansible?: Maybe<ResolversParentTypes['AnsibleEntity']> };
  EntityVendorCloudFormation: Omit<EntityVendorCloudFormation, 'cloudFormation'> & { cloudFormation?: Maybe<ResolversParentTypes['CloudFormationEntity']> };
  EntityVendorKubernetes: Omit<EntityVendorKubernetes, 'kubernetes'> & { kubernetes?: Maybe<ResolversParentTypes['KubernetesEntity']> };
  EntityVendorPulumi: Omit<EntityVendorPulumi, 'pulumi'> & { pulumi?: Maybe<ResolversParentTypes['PulumiEntity']> };
  EntityVendorTerraform: Omit<EntityVendorTerraform, 'terraform'> & { terraform?: Maybe<ResolversParentTypes['TerraformEntity']> };
  EnvironmentVariable: EnvironmentVariable;
  GitLabIntegration: GitLabIntegration;
  GitLabProjectHook: GitLabProjectHook;
  GpgKey: GpgKey;
  HooksInput: HooksInput;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  KubernetesEntity: ResolversUnionTypes<ResolversParentTypes>['KubernetesEntity'];
  KubernetesInput: KubernetesInput;
  KubernetesResource: KubernetesResource;
  KubernetesRoot: KubernetesRoot;
  LocalWorkspaceUpload: LocalWorkspaceUpload;
  LogMessage: LogMessage;
  LogsResponse: LogsResponse;
  ManagedEntity: Omit<ManagedEntity, 'creator' | 'updater' | 'vendor'> & { creator?: Maybe<ResolversParentTypes['Run']>, updater?: Maybe<ResolversParentTypes['Run']>, vendor: ResolversParentTypes['EntityVendor'] };
  Module: Omit<Module, 'current' | 'searchModuleVersions' | 'spaceDetails' | 'workerPool'> & { current?: Maybe<ResolversParentTypes['ModuleVersion']>, searchModuleVersions: ResolversParentTypes['ModuleVersionsConnection'], spaceDetails: ResolversParentTypes['Space'], workerPool?: Maybe<ResolversParentTypes['WorkerPool']> };
  ModuleEdge: Omit<ModuleEdge, 'node'> & { node: ResolversParentTypes['Module'] };
  ModuleVersion: Omit<ModuleVersion, 'module'> & { module: ResolversParentTypes['Module'] };
  ModuleVersionEdge: Omit<ModuleVersionEdge, 'node'> & { node: ResolversParentTypes['ModuleVersion'] };
  ModuleVersionsConnection: Omit<ModuleVersionsConnection, 'edges'> & { edges: Array<ResolversParentTypes['ModuleVersionEdge']> };
  ModulesConnection: Omit<ModulesConnection, 'edges'> & { edges: Array<ResolversParentTypes['ModuleEdge']> };
  Mutation: Record<PropertyKey, never>;
  OAuthRedirect: OAuthRedirect;
  OpenTofuInput: OpenTofuInput;
  PageInfo: PageInfo;
  PoliciesConnection: Omit<PoliciesConnection, 'edges'> & { edges: Array<ResolversParentTypes['PolicyEdge']> };
  Policy: PolicyRow;
  PolicyCreateInput: PolicyCreateInput;
  PolicyEdge: Omit<PolicyEdge, 'node'> & { node: ResolversParentTypes['Policy'] };
  PolicyEvaluationRecord: PolicyEvaluationRecord;
  PolicyStackAttachment: PolicyAttachmentRow;
  PolicyUpdateInput: PolicyUpdateInput;
  PulumiEntity: ResolversUnionTypes<ResolversParentTypes>['PulumiEntity'];
  PulumiInput: PulumiInput;
  PulumiOutput: PulumiOutput;
  PulumiResource: PulumiResource;
  PulumiStack: PulumiStack;
  Query: Record<PropertyKey, never>;
  QueryFieldConstraint: QueryFieldConstraint;
  QueryOrder: QueryOrder;
  QueryPredicate: QueryPredicate;
  Repository: Repository;
  Run: RunRow;
  RunChanges: RunChanges;
  RunComment: RunComment;
  RunMergeRequest: RunMergeRequest;
  RunResourceAttributeChange: RunResourceAttributeChange;
  RunResourceChange: RunResourceChange;
  RunResourceChangeMetadata: RunResourceChangeMetadata;
  RunReview: RunReview;
  RunStateTransition: RunStateTransition;
  RuntimeConfig: RuntimeConfig;
  RuntimeConfigInput: RuntimeConfigInput;
  SearchInput: SearchInput;
  SlackIntegration: SlackIntegration;
  SlackSubscription: SlackSubscription;
  SlackSubscriptionInput: SlackSubscriptionInput;
  SlackSubscriptionSettingsInput: SlackSubscriptionSettingsInput;
  SlackWorkspace: SlackWorkspace;
  Space: SpaceModel;
  SpaceInput: SpaceInput;
  Stack: StackRow;
  StackAwsIntegration: StackAwsIntegration;
  StackConfigVendor: ResolversUnionTypes<ResolversParentTypes>['StackConfigVendor'];
  StackConfigVendorAnsible: StackConfigVendorAnsible;
  StackConfigVendorCloudFormation: StackConfigVendorCloudFormation;
  StackConfigVendorKubernetes: StackConfigVendorKubernetes;
  StackConfigVendorOpenTofu: StackConfigVendorOpenTofu;
  StackConfigVendorPulumi: StackConfigVendorPulumi;
  StackConfigVendorTerraform: StackConfigVendorTerraform;
  StackConfigVendorTerragrunt: StackConfigVendorTerragrunt;
  StackContextAttachment: StackAttachmentModel;
  StackDependency: Omit<StackDependency, 'dependsOnStack' | 'stack'> & { dependsOnStack: ResolversParentTypes['Stack'], stack: ResolversParentTypes['Stack'] };
  StackDriftDetectionIntegration: StackDriftDetectionIntegration;
  StackEdge: Omit<StackEdge, 'node'> & { node: ResolversParentTypes['Stack'] };
  StackGcpIntegration: StackGcpIntegration;
  StackInput: StackInput;
  StackIntegrations: StackIntegrations;
  StackOutput: StackOutput;
  StackPolicyAttachment: PolicyAttachmentRow;
  StackWebhook: StackWebhook;
  StacksConnection: Omit<StacksConnection, 'edges'> & { edges: Array<ResolversParentTypes['StackEdge']> };
  StateDownloadUrl: StateDownloadUrl;
  StateDownloadUrlInput: StateDownloadUrlInput;
  StateUploadUrl: StateUploadUrl;
  String: Scalars['String']['output'];
  StringMap: StringMap;
  StringMapEntry: StringMapEntry;
  Team: Team;
  Template: Omit<Template, 'space'> & { space: ResolversParentTypes['Space'] };
  TemplateEdge: Omit<TemplateEdge, 'node'> & { node: ResolversParentTypes['Template'] };
  TemplatesConnection: Omit<TemplatesConnection, 'edges'> & { edges: Array<ResolversParentTypes['TemplateEdge']> };
  TerraformEntity: ResolversUnionTypes<ResolversParentTypes>['TerraformEntity'];
  TerraformInput: TerraformInput;
  TerraformModule: TerraformModule;
  TerraformOutput: TerraformOutput;
  TerraformProvider: TerraformProvider;
  TerraformProviderVersion: TerraformProviderVersion;
  TerraformProviderVersionPlatform: TerraformProviderVersionPlatform;
  TerraformResource: TerraformResource;
  TerragruntInput: TerragruntInput;
  Usage: Usage;
  User: UserModel;
  UserLogin: UserLogin;
  VCSIntegration: VcsIntegration;
  VendorConfigInput: VendorConfigInput;
  Worker: Worker;
  WorkerPool: WorkerPoolRow;
};

export type AnsibleEntityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AnsibleEntity'] = ResolversParentTypes['AnsibleEntity']> = {
  __resolveType: TypeResolveFn<'AnsibleResource', ParentType, ContextType>;
};

export type AnsibleResourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AnsibleResource'] = ResolversParentTypes['AnsibleResource']> = {
  data?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type ApiKeyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ApiKey'] = ResolversParentTypes['ApiKey']> = {
  admin?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  lastUsedAt?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  secret?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  teams?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type AuditTrailActorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditTrailActor'] = ResolversParentTypes['AuditTrailActor']> = {
  run?: Resolver<Maybe<ResolversTypes['AuditTrailActorRun']>, ParentType, ContextType>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditTrailActorRunResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditTrailActorRun'] = ResolversParentTypes['AuditTrailActorRun']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stackId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type AuditTrailEntriesConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditTrailEntriesConnection'] = ResolversParentTypes['AuditTrailEntriesConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditTrailEntryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type AuditTrailEntryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditTrailEntry'] = ResolversParentTypes['AuditTrailEntry']> = {
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['AuditTrailActor'], ParentType, ContextType>;
  affectedResource?: Resolver<ResolversTypes['AuditTrailResource'], ParentType, ContextType>;
  body?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  eventType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  relatedResource?: Resolver<Maybe<ResolversTypes['AuditTrailResource']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditTrailEntryEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditTrailEntryEdge'] = ResolversParentTypes['AuditTrailEntryEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditTrailEntry'], ParentType, ContextType>;
};

export type AuditTrailResourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditTrailResource'] = ResolversParentTypes['AuditTrailResource']> = {
  resourceId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  resourceType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type BlueprintResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Blueprint'] = ResolversParentTypes['Blueprint']> = {
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  deleted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inputs?: Resolver<Array<ResolversTypes['BlueprintTemplateInput']>, ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  rawTemplate?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  space?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['BlueprintState'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type BlueprintEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['BlueprintEdge'] = ResolversParentTypes['BlueprintEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Blueprint'], ParentType, ContextType>;
};

export type BlueprintTemplateInputResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['BlueprintTemplateInput'] = ResolversParentTypes['BlueprintTemplateInput']> = {
  default?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  options?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type BlueprintsConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['BlueprintsConnection'] = ResolversParentTypes['BlueprintsConnection']> = {
  edges?: Resolver<Array<ResolversTypes['BlueprintEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type CloudFormationEntityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CloudFormationEntity'] = ResolversParentTypes['CloudFormationEntity']> = {
  __resolveType: TypeResolveFn<'CloudFormationOutput' | 'CloudFormationResource', ParentType, ContextType>;
};

export type CloudFormationOutputResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CloudFormationOutput'] = ResolversParentTypes['CloudFormationOutput']> = {
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  export?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CloudFormationResourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['CloudFormationResource'] = ResolversParentTypes['CloudFormationResource']> = {
  logicalResourceId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  physicalResourceId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  template?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CommitResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Commit'] = ResolversParentTypes['Commit']> = {
  authorLogin?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  authorName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  avatarURL?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ConfigElementResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConfigElement'] = ResolversParentTypes['ConfigElement']> = {
  checksum?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  runtime?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['ConfigType'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  writeOnly?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ConfigElementWithSourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConfigElementWithSource'] = ResolversParentTypes['ConfigElementWithSource']> = {
  context?: Resolver<Maybe<ResolversTypes['StackContextAttachment']>, ParentType, ContextType>;
  element?: Resolver<ResolversTypes['ConfigElement'], ParentType, ContextType>;
};

export type ContextResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Context'] = ResolversParentTypes['Context']> = {
  attachedStack?: Resolver<Maybe<ResolversTypes['ContextStackAttachment']>, ParentType, ContextType, RequireFields<ContextAttachedStackArgs, 'id'>>;
  attachedStacks?: Resolver<Array<ResolversTypes['ContextStackAttachment']>, ParentType, ContextType>;
  config?: Resolver<Array<ResolversTypes['ConfigElement']>, ParentType, ContextType>;
  configElement?: Resolver<Maybe<ResolversTypes['ConfigElement']>, ParentType, ContextType, RequireFields<ContextConfigElementArgs, 'id'>>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hooks?: Resolver<ResolversTypes['ContextHooks'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  space?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ContextHooksResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ContextHooks'] = ResolversParentTypes['ContextHooks']> = {
  afterApply?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterDestroy?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterInit?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterPerform?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterPlan?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterRun?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforeApply?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforeDestroy?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforeInit?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforePerform?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforePlan?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ContextStackAttachmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ContextStackAttachment'] = ResolversParentTypes['ContextStackAttachment']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isModule?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  priority?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  stackId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stackName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type DebugInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DebugInfo'] = ResolversParentTypes['DebugInfo']> = {
  selfHostedVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type DeltaResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Delta'] = ResolversParentTypes['Delta']> = {
  addCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  addResources?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  changeCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  changeResources?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  deleteCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  deleteResources?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  resources?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EntityVendorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EntityVendor'] = ResolversParentTypes['EntityVendor']> = {
  __resolveType: TypeResolveFn<'EntityVendorAnsible' | 'EntityVendorCloudFormation' | 'EntityVendorKubernetes' | 'EntityVendorPulumi' | 'EntityVendorTerraform', ParentType, ContextType>;
};

export type EntityVendorAnsibleResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EntityVendorAnsible'] = ResolversParentTypes['EntityVendorAnsible']> = {
  ansible?: Resolver<Maybe<ResolversTypes['AnsibleEntity']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EntityVendorCloudFormationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EntityVendorCloudFormation'] = ResolversParentTypes['EntityVendorCloudFormation']> = {
  cloudFormation?: Resolver<Maybe<ResolversTypes['CloudFormationEntity']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EntityVendorKubernetesResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EntityVendorKubernetes'] = ResolversParentTypes['EntityVendorKubernetes']> = {
  kubernetes?: Resolver<Maybe<ResolversTypes['KubernetesEntity']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EntityVendorPulumiResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EntityVendorPulumi'] = ResolversParentTypes['EntityVendorPulumi']> = {
  pulumi?: Resolver<Maybe<ResolversTypes['PulumiEntity']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type EntityVendorTerraformResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EntityVendorTerraform'] = ResolversParentTypes['EntityVendorTerraform']> = {
  terraform?: Resolver<Maybe<ResolversTypes['TerraformEntity']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type GitLabIntegrationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['GitLabIntegration'] = ResolversParentTypes['GitLabIntegration']> = {
  apiHost?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  oauthEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  projectHooks?: Resolver<Array<ResolversTypes['GitLabProjectHook']>, ParentType, ContextType>;
  webhookSecret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  webhookUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type GitLabProjectHookResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['GitLabProjectHook'] = ResolversParentTypes['GitLabProjectHook']> = {
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  project?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  secret?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type GpgKeyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['GpgKey'] = ResolversParentTypes['GpgKey']> = {
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revokedAt?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  revokedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type KubernetesEntityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['KubernetesEntity'] = ResolversParentTypes['KubernetesEntity']> = {
  __resolveType: TypeResolveFn<'KubernetesResource' | 'KubernetesRoot', ParentType, ContextType>;
};

export type KubernetesResourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['KubernetesResource'] = ResolversParentTypes['KubernetesResource']> = {
  data?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type KubernetesRootResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['KubernetesRoot'] = ResolversParentTypes['KubernetesRoot']> = {
  phantom?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type LocalWorkspaceUploadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['LocalWorkspaceUpload'] = ResolversParentTypes['LocalWorkspaceUpload']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  uploadHeaders?: Resolver<ResolversTypes['StringMap'], ParentType, ContextType>;
  uploadUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type LogMessageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['LogMessage'] = ResolversParentTypes['LogMessage']> = {
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type LogsResponseResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['LogsResponse'] = ResolversParentTypes['LogsResponse']> = {
  exists?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  finished?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasMore?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  messages?: Resolver<Array<ResolversTypes['LogMessage']>, ParentType, ContextType>;
  nextToken?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type ManagedEntityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ManagedEntity'] = ResolversParentTypes['ManagedEntity']> = {
  address?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  creator?: Resolver<Maybe<ResolversTypes['Run']>, ParentType, ContextType>;
  drifted?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parent?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  thirdPartyMetadata?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updater?: Resolver<Maybe<ResolversTypes['Run']>, ParentType, ContextType>;
  vendor?: Resolver<ResolversTypes['EntityVendor'], ParentType, ContextType>;
};

export type ModuleResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Module'] = ResolversParentTypes['Module']> = {
  administrative?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  apiHost?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  branch?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  canWrite?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  current?: Resolver<Maybe<ResolversTypes['ModuleVersion']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isDisabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  localPreviewEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  projectRoot?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['VCSProvider'], ParentType, ContextType>;
  repository?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  searchModuleVersions?: Resolver<ResolversTypes['ModuleVersionsConnection'], ParentType, ContextType, RequireFields<ModuleSearchModuleVersionsArgs, 'input'>>;
  spaceDetails?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  starred?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  terraformProvider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  workerPool?: Resolver<Maybe<ResolversTypes['WorkerPool']>, ParentType, ContextType>;
};

export type ModuleEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModuleEdge'] = ResolversParentTypes['ModuleEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Module'], ParentType, ContextType>;
};

export type ModuleVersionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModuleVersion'] = ResolversParentTypes['ModuleVersion']> = {
  commit?: Resolver<Maybe<ResolversTypes['Commit']>, ParentType, ContextType>;
  downloadLink?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  module?: Resolver<ResolversTypes['Module'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sourceURL?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  versionCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  yanked?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ModuleVersionEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModuleVersionEdge'] = ResolversParentTypes['ModuleVersionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['ModuleVersion'], ParentType, ContextType>;
};

export type ModuleVersionsConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModuleVersionsConnection'] = ResolversParentTypes['ModuleVersionsConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ModuleVersionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type ModulesConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ModulesConnection'] = ResolversParentTypes['ModulesConnection']> = {
  edges?: Resolver<Array<ResolversTypes['ModuleEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  apiKeyCreate?: Resolver<ResolversTypes['ApiKey'], ParentType, ContextType, RequireFields<MutationApiKeyCreateArgs, 'input'>>;
  apiKeyDelete?: Resolver<Maybe<ResolversTypes['ApiKey']>, ParentType, ContextType, RequireFields<MutationApiKeyDeleteArgs, 'id'>>;
  apiKeyUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationApiKeyUserArgs, 'id' | 'secret'>>;
  contextAttach?: Resolver<ResolversTypes['ContextStackAttachment'], ParentType, ContextType, RequireFields<MutationContextAttachArgs, 'id' | 'priority' | 'stack'>>;
  contextConfigAdd?: Resolver<ResolversTypes['ConfigElement'], ParentType, ContextType, RequireFields<MutationContextConfigAddArgs, 'config' | 'context'>>;
  contextConfigDelete?: Resolver<Maybe<ResolversTypes['ConfigElement']>, ParentType, ContextType, RequireFields<MutationContextConfigDeleteArgs, 'context' | 'id'>>;
  contextCreate?: Resolver<ResolversTypes['Context'], ParentType, ContextType, RequireFields<MutationContextCreateArgs, 'name'>>;
  contextCreateV2?: Resolver<ResolversTypes['Context'], ParentType, ContextType, RequireFields<MutationContextCreateV2Args, 'input'>>;
  contextDelete?: Resolver<Maybe<ResolversTypes['Context']>, ParentType, ContextType, RequireFields<MutationContextDeleteArgs, 'id'>>;
  contextDetach?: Resolver<Maybe<ResolversTypes['ContextStackAttachment']>, ParentType, ContextType, RequireFields<MutationContextDetachArgs, 'id'>>;
  contextUpdate?: Resolver<ResolversTypes['Context'], ParentType, ContextType, RequireFields<MutationContextUpdateArgs, 'id' | 'name'>>;
  contextUpdateV2?: Resolver<ResolversTypes['Context'], ParentType, ContextType, RequireFields<MutationContextUpdateV2Args, 'id' | 'input'>>;
  gitlabIntegrationDelete?: Resolver<Maybe<ResolversTypes['GitLabIntegration']>, ParentType, ContextType>;
  gitlabIntegrationSetup?: Resolver<ResolversTypes['GitLabIntegration'], ParentType, ContextType, RequireFields<MutationGitlabIntegrationSetupArgs, 'apiHost' | 'token'>>;
  gitlabWebhookSecretRotate?: Resolver<ResolversTypes['GitLabProjectHook'], ParentType, ContextType, RequireFields<MutationGitlabWebhookSecretRotateArgs, 'project'>>;
  oauthRedirect?: Resolver<ResolversTypes['OAuthRedirect'], ParentType, ContextType>;
  oauthRefresh?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  oauthToken?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<MutationOauthTokenArgs, 'code' | 'state' | 'temporaryToken'>>;
  oauthUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationOauthUserArgs, 'token'>>;
  policyAttach?: Resolver<ResolversTypes['PolicyStackAttachment'], ParentType, ContextType, RequireFields<MutationPolicyAttachArgs, 'id' | 'stack'>>;
  policyCreate?: Resolver<ResolversTypes['Policy'], ParentType, ContextType, RequireFields<MutationPolicyCreateArgs, 'body' | 'name' | 'type'>>;
  policyCreatev2?: Resolver<ResolversTypes['Policy'], ParentType, ContextType, RequireFields<MutationPolicyCreatev2Args, 'input'>>;
  policyDelete?: Resolver<Maybe<ResolversTypes['Policy']>, ParentType, ContextType, RequireFields<MutationPolicyDeleteArgs, 'id'>>;
  policyDetach?: Resolver<Maybe<ResolversTypes['PolicyStackAttachment']>, ParentType, ContextType, RequireFields<MutationPolicyDetachArgs, 'id'>>;
  policyUpdate?: Resolver<ResolversTypes['Policy'], ParentType, ContextType, RequireFields<MutationPolicyUpdateArgs, 'body' | 'id' | 'name'>>;
  policyUpdatev2?: Resolver<ResolversTypes['Policy'], ParentType, ContextType, RequireFields<MutationPolicyUpdatev2Args, 'id' | 'input'>>;
  runCancel?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunCancelArgs, 'run' | 'stack'>>;
  runConfirm?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunConfirmArgs, 'run' | 'stack'>>;
  runDiscard?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunDiscardArgs, 'run' | 'stack'>>;
  runPrioritizeSet?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunPrioritizeSetArgs, 'prioritize' | 'run' | 'stack'>>;
  runProposeLocalWorkspace?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunProposeLocalWorkspaceArgs, 'stack' | 'workspace'>>;
  runRetry?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunRetryArgs, 'run' | 'stack'>>;
  runReview?: Resolver<ResolversTypes['RunReview'], ParentType, ContextType, RequireFields<MutationRunReviewArgs, 'decision' | 'stack'>>;
  runStop?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunStopArgs, 'run' | 'stack'>>;
  runTargetedReplan?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunTargetedReplanArgs, 'run' | 'stack' | 'targets'>>;
  runTrigger?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationRunTriggerArgs, 'stack'>>;
  slackIntegrationDelete?: Resolver<ResolversTypes['SlackWorkspace'], ParentType, ContextType, RequireFields<MutationSlackIntegrationDeleteArgs, 'teamId'>>;
  slackSubscriptionCreate?: Resolver<ResolversTypes['SlackSubscription'], ParentType, ContextType, RequireFields<MutationSlackSubscriptionCreateArgs, 'input'>>;
  slackSubscriptionDelete?: Resolver<ResolversTypes['SlackSubscription'], ParentType, ContextType, RequireFields<MutationSlackSubscriptionDeleteArgs, 'id'>>;
  slackSubscriptionUpdate?: Resolver<ResolversTypes['SlackSubscription'], ParentType, ContextType, RequireFields<MutationSlackSubscriptionUpdateArgs, 'id' | 'input'>>;
  spaceCreate?: Resolver<ResolversTypes['Space'], ParentType, ContextType, RequireFields<MutationSpaceCreateArgs, 'input'>>;
  spaceDelete?: Resolver<ResolversTypes['Space'], ParentType, ContextType, RequireFields<MutationSpaceDeleteArgs, 'space'>>;
  spaceUpdate?: Resolver<ResolversTypes['Space'], ParentType, ContextType, RequireFields<MutationSpaceUpdateArgs, 'input' | 'space'>>;
  stackConfigAdd?: Resolver<ResolversTypes['ConfigElement'], ParentType, ContextType, RequireFields<MutationStackConfigAddArgs, 'config' | 'stack'>>;
  stackConfigDelete?: Resolver<ResolversTypes['ConfigElement'], ParentType, ContextType, RequireFields<MutationStackConfigDeleteArgs, 'id' | 'stack'>>;
  stackCreate?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackCreateArgs, 'input' | 'manageState'>>;
  stackDelete?: Resolver<Maybe<ResolversTypes['Stack']>, ParentType, ContextType, RequireFields<MutationStackDeleteArgs, 'id'>>;
  stackDisable?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackDisableArgs, 'id'>>;
  stackEnable?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackEnableArgs, 'id'>>;
  stackLock?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackLockArgs, 'id'>>;
  stackSetAwsRoleDelegation?: Resolver<Maybe<ResolversTypes['Stack']>, ParentType, ContextType, RequireFields<MutationStackSetAwsRoleDelegationArgs, 'id'>>;
  stackSetCurrentCommit?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackSetCurrentCommitArgs, 'id' | 'sha'>>;
  stackSyncCommit?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackSyncCommitArgs, 'id'>>;
  stackUnlock?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackUnlockArgs, 'id'>>;
  stackUpdate?: Resolver<ResolversTypes['Stack'], ParentType, ContextType, RequireFields<MutationStackUpdateArgs, 'id' | 'input'>>;
  stateDownloadUrl?: Resolver<ResolversTypes['StateDownloadUrl'], ParentType, ContextType, RequireFields<MutationStateDownloadUrlArgs, 'input'>>;
  stateUploadUrl?: Resolver<ResolversTypes['StateUploadUrl'], ParentType, ContextType>;
  taskCreate?: Resolver<ResolversTypes['Run'], ParentType, ContextType, RequireFields<MutationTaskCreateArgs, 'command' | 'stack'>>;
  uploadLocalWorkspace?: Resolver<ResolversTypes['LocalWorkspaceUpload'], ParentType, ContextType, RequireFields<MutationUploadLocalWorkspaceArgs, 'stack'>>;
  workerPoolCreate?: Resolver<ResolversTypes['WorkerPool'], ParentType, ContextType, RequireFields<MutationWorkerPoolCreateArgs, 'certificateSigningRequest' | 'name'>>;
  workerPoolDelete?: Resolver<Maybe<ResolversTypes['WorkerPool']>, ParentType, ContextType, RequireFields<MutationWorkerPoolDeleteArgs, 'id'>>;
  workerPoolReset?: Resolver<ResolversTypes['WorkerPool'], ParentType, ContextType, RequireFields<MutationWorkerPoolResetArgs, 'certificateSigningRequest' | 'id'>>;
  workerPoolUpdate?: Resolver<ResolversTypes['WorkerPool'], ParentType, ContextType, RequireFields<MutationWorkerPoolUpdateArgs, 'id' | 'name'>>;
};

export type OAuthRedirectResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['OAuthRedirect'] = ResolversParentTypes['OAuthRedirect']> = {
  providerUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  temporaryToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PoliciesConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PoliciesConnection'] = ResolversParentTypes['PoliciesConnection']> = {
  edges?: Resolver<Array<ResolversTypes['PolicyEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type PolicyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Policy'] = ResolversParentTypes['Policy']> = {
  attachedStack?: Resolver<Maybe<ResolversTypes['PolicyStackAttachment']>, ParentType, ContextType, RequireFields<PolicyAttachedStackArgs, 'id'>>;
  attachedStacks?: Resolver<Array<ResolversTypes['PolicyStackAttachment']>, ParentType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  engineType?: Resolver<Maybe<ResolversTypes['PolicyEngineType']>, ParentType, ContextType>;
  evaluationRecords?: Resolver<Array<ResolversTypes['PolicyEvaluationRecord']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  space?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  spaceDetails?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  type?: Resolver<ResolversTypes['PolicyType'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PolicyEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PolicyEdge'] = ResolversParentTypes['PolicyEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Policy'], ParentType, ContextType>;
};

export type PolicyEvaluationRecordResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PolicyEvaluationRecord'] = ResolversParentTypes['PolicyEvaluationRecord']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PolicyStackAttachmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PolicyStackAttachment'] = ResolversParentTypes['PolicyStackAttachment']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isModule?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  policyId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stackId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stackName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PulumiEntityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PulumiEntity'] = ResolversParentTypes['PulumiEntity']> = {
  __resolveType: TypeResolveFn<'PulumiOutput' | 'PulumiResource' | 'PulumiStack', ParentType, ContextType>;
};

export type PulumiOutputResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PulumiOutput'] = ResolversParentTypes['PulumiOutput']> = {
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sensitive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PulumiResourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PulumiResource'] = ResolversParentTypes['PulumiResource']> = {
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outputs?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parent?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  urn?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PulumiStackResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PulumiStack'] = ResolversParentTypes['PulumiStack']> = {
  phantom?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  apiKeys?: Resolver<Array<ResolversTypes['ApiKey']>, ParentType, ContextType>;
  blueprint?: Resolver<Maybe<ResolversTypes['Blueprint']>, ParentType, ContextType, RequireFields<QueryBlueprintArgs, 'id'>>;
  context?: Resolver<Maybe<ResolversTypes['Context']>, ParentType, ContextType, RequireFields<QueryContextArgs, 'id'>>;
  contexts?: Resolver<Array<ResolversTypes['Context']>, ParentType, ContextType>;
  debugInfo?: Resolver<ResolversTypes['DebugInfo'], ParentType, ContextType>;
  gitlabIntegration?: Resolver<Maybe<ResolversTypes['GitLabIntegration']>, ParentType, ContextType>;
  gpgKeys?: Resolver<Array<ResolversTypes['GpgKey']>, ParentType, ContextType>;
  module?: Resolver<Maybe<ResolversTypes['Module']>, ParentType, ContextType, RequireFields<QueryModuleArgs, 'id'>>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  policies?: Resolver<Array<ResolversTypes['Policy']>, ParentType, ContextType>;
  policy?: Resolver<Maybe<ResolversTypes['Policy']>, ParentType, ContextType, RequireFields<QueryPolicyArgs, 'id'>>;
  repositories?: Resolver<Array<ResolversTypes['Repository']>, ParentType, ContextType>;
  searchAuditTrailEntries?: Resolver<ResolversTypes['AuditTrailEntriesConnection'], ParentType, ContextType, RequireFields<QuerySearchAuditTrailEntriesArgs, 'input'>>;
  searchBlueprints?: Resolver<ResolversTypes['BlueprintsConnection'], ParentType, ContextType, RequireFields<QuerySearchBlueprintsArgs, 'input'>>;
  searchModules?: Resolver<ResolversTypes['ModulesConnection'], ParentType, ContextType, RequireFields<QuerySearchModulesArgs, 'input'>>;
  searchPolicies?: Resolver<ResolversTypes['PoliciesConnection'], ParentType, ContextType, RequireFields<QuerySearchPoliciesArgs, 'input'>>;
  searchStacks?: Resolver<ResolversTypes['StacksConnection'], ParentType, ContextType, RequireFields<QuerySearchStacksArgs, 'input'>>;
  searchTemplates?: Resolver<ResolversTypes['TemplatesConnection'], ParentType, ContextType, RequireFields<QuerySearchTemplatesArgs, 'input'>>;
  slackIntegration?: Resolver<ResolversTypes['SlackIntegration'], ParentType, ContextType>;
  space?: Resolver<Maybe<ResolversTypes['Space']>, ParentType, ContextType, RequireFields<QuerySpaceArgs, 'id'>>;
  spaces?: Resolver<Array<ResolversTypes['Space']>, ParentType, ContextType>;
  stack?: Resolver<Maybe<ResolversTypes['Stack']>, ParentType, ContextType, RequireFields<QueryStackArgs, 'id'>>;
  stacks?: Resolver<Array<ResolversTypes['Stack']>, ParentType, ContextType>;
  teams?: Resolver<Array<ResolversTypes['Team']>, ParentType, ContextType>;
  terraformProvider?: Resolver<Maybe<ResolversTypes['TerraformProvider']>, ParentType, ContextType, RequireFields<QueryTerraformProviderArgs, 'id'>>;
  type?: Resolver<Maybe<ResolversTypes['AccountType']>, ParentType, ContextType>;
  usage?: Resolver<ResolversTypes['Usage'], ParentType, ContextType>;
  viewer?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  workerPool?: Resolver<Maybe<ResolversTypes['WorkerPool']>, ParentType, ContextType, RequireFields<QueryWorkerPoolArgs, 'id'>>;
  workerPools?: Resolver<Array<ResolversTypes['WorkerPool']>, ParentType, ContextType>;
};

export type RepositoryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Repository'] = ResolversParentTypes['Repository']> = {
  branches?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type RunResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Run'] = ResolversParentTypes['Run']> = {
  branch?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  canRetry?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  changesV3?: Resolver<Array<ResolversTypes['RunChanges']>, ParentType, ContextType, RequireFields<RunChangesV3Args, 'input'>>;
  command?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  comments?: Resolver<Array<ResolversTypes['RunComment']>, ParentType, ContextType>;
  commit?: Resolver<ResolversTypes['Commit'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  delta?: Resolver<Maybe<ResolversTypes['Delta']>, ParentType, ContextType>;
  driftDetection?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  expired?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  finished?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['RunStateTransition']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isMostRecent?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  isPrioritized?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  logs?: Resolver<Maybe<ResolversTypes['LogsResponse']>, ParentType, ContextType, RequireFields<RunLogsArgs, 'state'>>;
  mergeRequest?: Resolver<Maybe<ResolversTypes['RunMergeRequest']>, ParentType, ContextType>;
  needsApproval?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  refreshState?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reviews?: Resolver<Array<ResolversTypes['RunReview']>, ParentType, ContextType>;
  runtimeConfig?: Resolver<Maybe<ResolversTypes['RuntimeConfig']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['RunState'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  triggeredBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['RunType'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type RunChangesResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunChanges'] = ResolversParentTypes['RunChanges']> = {
  resources?: Resolver<Array<ResolversTypes['RunResourceChange']>, ParentType, ContextType>;
};

export type RunCommentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunComment'] = ResolversParentTypes['RunComment']> = {
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RunMergeRequestResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunMergeRequest'] = ResolversParentTypes['RunMergeRequest']> = {
  iid?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type RunResourceAttributeChangeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunResourceAttributeChange'] = ResolversParentTypes['RunResourceAttributeChange']> = {
  after?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  before?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sensitive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  unknownAfter?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type RunResourceChangeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunResourceChange'] = ResolversParentTypes['RunResourceChange']> = {
  address?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  attributeChanges?: Resolver<Array<ResolversTypes['RunResourceAttributeChange']>, ParentType, ContextType>;
  metadata?: Resolver<ResolversTypes['RunResourceChangeMetadata'], ParentType, ContextType>;
  previousAddress?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type RunResourceChangeMetadataResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunResourceChangeMetadata'] = ResolversParentTypes['RunResourceChangeMetadata']> = {
  type?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RunReviewResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunReview'] = ResolversParentTypes['RunReview']> = {
  decision?: Resolver<ResolversTypes['RunReviewDecision'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RunStateTransitionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RunStateTransition'] = ResolversParentTypes['RunStateTransition']> = {
  hasLogs?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  note?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['RunState'], ParentType, ContextType>;
  stateVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  terminal?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  timestamp?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  until?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  username?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type RuntimeConfigResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RuntimeConfig'] = ResolversParentTypes['RuntimeConfig']> = {
  projectRoot?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  runnerImage?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  terraformVersion?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type SlackIntegrationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SlackIntegration'] = ResolversParentTypes['SlackIntegration']> = {
  configured?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  installUrl?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  missingSettings?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  subscriptions?: Resolver<Array<ResolversTypes['SlackSubscription']>, ParentType, ContextType>;
  workspaces?: Resolver<Array<ResolversTypes['SlackWorkspace']>, ParentType, ContextType>;
};

export type SlackSubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SlackSubscription'] = ResolversParentTypes['SlackSubscription']> = {
  branches?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  channelId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  channelName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['RunState']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  onlyFailures?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  refusedAt?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  refusedReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  stackId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  subscribedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  teamId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  types?: Resolver<Array<ResolversTypes['RunType']>, ParentType, ContextType>;
};

export type SlackWorkspaceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SlackWorkspace'] = ResolversParentTypes['SlackWorkspace']> = {
  botUserId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  enterpriseId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  installedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  installedBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  teamId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  teamName?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type SpaceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Space'] = ResolversParentTypes['Space']> = {
  accessLevel?: Resolver<ResolversTypes['SpaceAccessLevel'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  inheritEntities?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  parentSpace?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type StackResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Stack'] = ResolversParentTypes['Stack']> = {
  additionalProjectGlobs?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  administrative?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  afterApply?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterDestroy?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterInit?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterPerform?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterPlan?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  afterRun?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  attachedContexts?: Resolver<Array<ResolversTypes['StackContextAttachment']>, ParentType, ContextType>;
  attachedPolicies?: Resolver<Array<ResolversTypes['StackPolicyAttachment']>, ParentType, ContextType>;
  autodeploy?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  autoretry?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  awsAssumeRoleLink?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  awsAssumeRolePolicyStatement?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  awsAssumedRoleARN?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  beforeApply?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforeDestroy?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforeInit?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforePerform?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  beforePlan?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  blocker?: Resolver<Maybe<ResolversTypes['Run']>, ParentType, ContextType>;
  branch?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  canWrite?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  config?: Resolver<Array<ResolversTypes['ConfigElement']>, ParentType, ContextType>;
  configElement?: Resolver<Maybe<ResolversTypes['ConfigElement']>, ParentType, ContextType, RequireFields<StackConfigElementArgs, 'id'>>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  deleted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  deleting?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  dependsOn?: Resolver<Array<ResolversTypes['StackDependency']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  enableSensitiveOutputUpload?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  enableWellKnownSecretMasking?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  entities?: Resolver<Array<ResolversTypes['ManagedEntity']>, ParentType, ContextType>;
  gitSparseCheckoutPaths?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  githubActionDeploy?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  integrations?: Resolver<ResolversTypes['StackIntegrations'], ParentType, ContextType>;
  isDependedOnBy?: Resolver<Array<ResolversTypes['StackDependency']>, ParentType, ContextType>;
  isDisabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  localPreviewEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  lockNote?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lockedBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  managesStateFile?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  moduleVersionsUsed?: Resolver<Array<ResolversTypes['ModuleVersion']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  outputs?: Resolver<Array<ResolversTypes['StackOutput']>, ParentType, ContextType>;
  projectRoot?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  proposedRuns?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType, Partial<StackProposedRunsArgs>>;
  protectFromDeletion?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['VCSProvider'], ParentType, ContextType>;
  readers?: Resolver<Maybe<ResolversTypes['Team']>, ParentType, ContextType>;
  repository?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  repositoryURL?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  run?: Resolver<Maybe<ResolversTypes['Run']>, ParentType, ContextType, RequireFields<StackRunArgs, 'id'>>;
  runnerImage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  runs?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType, Partial<StackRunsArgs>>;
  runtimeConfig?: Resolver<Array<ResolversTypes['ConfigElementWithSource']>, ParentType, ContextType>;
  space?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  spaceDetails?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  starred?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['StackState'], ParentType, ContextType>;
  stateSetAt?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  tasks?: Resolver<Array<ResolversTypes['Run']>, ParentType, ContextType, Partial<StackTasksArgs>>;
  terraformVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  trackTags?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  trackedCommit?: Resolver<Maybe<ResolversTypes['Commit']>, ParentType, ContextType>;
  trackedCommitSetBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  vcsIntegration?: Resolver<Maybe<ResolversTypes['VCSIntegration']>, ParentType, ContextType>;
  vendorConfig?: Resolver<ResolversTypes['StackConfigVendor'], ParentType, ContextType>;
  workerPool?: Resolver<Maybe<ResolversTypes['WorkerPool']>, ParentType, ContextType>;
  writers?: Resolver<Maybe<ResolversTypes['Team']>, ParentType, ContextType>;
};

export type StackAwsIntegrationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackAwsIntegration'] = ResolversParentTypes['StackAwsIntegration']> = {
  assumeRolePolicyStatement?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  assumedRoleArn?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  durationSeconds?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  externalID?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  generateCredentialsInWorker?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type StackConfigVendorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendor'] = ResolversParentTypes['StackConfigVendor']> = {
  __resolveType: TypeResolveFn<'StackConfigVendorAnsible' | 'StackConfigVendorCloudFormation' | 'StackConfigVendorKubernetes' | 'StackConfigVendorOpenTofu' | 'StackConfigVendorPulumi' | 'StackConfigVendorTerraform' | 'StackConfigVendorTerragrunt', ParentType, ContextType>;
};

export type StackConfigVendorAnsibleResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorAnsible'] = ResolversParentTypes['StackConfigVendorAnsible']> = {
  playbook?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackConfigVendorCloudFormationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorCloudFormation'] = ResolversParentTypes['StackConfigVendorCloudFormation']> = {
  entryTemplateFile?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stackName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  templateBucket?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackConfigVendorKubernetesResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorKubernetes'] = ResolversParentTypes['StackConfigVendorKubernetes']> = {
  kubectlVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kubernetesWorkflowTool?: Resolver<Maybe<ResolversTypes['KubernetesWorkflowTool']>, ParentType, ContextType>;
  namespace?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackConfigVendorOpenTofuResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorOpenTofu'] = ResolversParentTypes['StackConfigVendorOpenTofu']> = {
  concise?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  externalStateAccessEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  useSmartSanitization?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  workflowTool?: Resolver<Maybe<ResolversTypes['OpenTofuWorkflowTool']>, ParentType, ContextType>;
  workspace?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackConfigVendorPulumiResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorPulumi'] = ResolversParentTypes['StackConfigVendorPulumi']> = {
  loginURL?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  stackName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackConfigVendorTerraformResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorTerraform'] = ResolversParentTypes['StackConfigVendorTerraform']> = {
  externalStateAccessEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  useSmartSanitization?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  workflowTool?: Resolver<Maybe<ResolversTypes['TerraformWorkflowTool']>, ParentType, ContextType>;
  workspace?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackConfigVendorTerragruntResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackConfigVendorTerragrunt'] = ResolversParentTypes['StackConfigVendorTerragrunt']> = {
  prefixResourceNamesWithModuleName?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  skipReplan?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  skipReplanWhenRunAll?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  terraformVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  terragruntVersion?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  tool?: Resolver<ResolversTypes['TerragruntTool'], ParentType, ContextType>;
  useRunAll?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  useSmartSanitization?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  useStateManagement?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StackContextAttachmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackContextAttachment'] = ResolversParentTypes['StackContextAttachment']> = {
  config?: Resolver<Array<ResolversTypes['ConfigElement']>, ParentType, ContextType>;
  contextId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  contextName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isAutoattached?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  priority?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type StackDependencyResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackDependency'] = ResolversParentTypes['StackDependency']> = {
  dependsOnStack?: Resolver<ResolversTypes['Stack'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  stack?: Resolver<ResolversTypes['Stack'], ParentType, ContextType>;
};

export type StackDriftDetectionIntegrationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackDriftDetectionIntegration'] = ResolversParentTypes['StackDriftDetectionIntegration']> = {
  ignoreState?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  reconcile?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  schedule?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  timezone?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StackEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackEdge'] = ResolversParentTypes['StackEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Stack'], ParentType, ContextType>;
};

export type StackGcpIntegrationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackGcpIntegration'] = ResolversParentTypes['StackGcpIntegration']> = {
  serviceAccountEmail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  tokenScopes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type StackIntegrationsResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackIntegrations'] = ResolversParentTypes['StackIntegrations']> = {
  aws?: Resolver<ResolversTypes['StackAwsIntegration'], ParentType, ContextType>;
  driftDetection?: Resolver<Maybe<ResolversTypes['StackDriftDetectionIntegration']>, ParentType, ContextType>;
  gcp?: Resolver<Maybe<ResolversTypes['StackGcpIntegration']>, ParentType, ContextType>;
  webhooks?: Resolver<Array<ResolversTypes['StackWebhook']>, ParentType, ContextType>;
};

export type StackOutputResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackOutput'] = ResolversParentTypes['StackOutput']> = {
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sensitive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type StackPolicyAttachmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackPolicyAttachment'] = ResolversParentTypes['StackPolicyAttachment']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  policyId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  policyLabels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  policyName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  policyType?: Resolver<ResolversTypes['PolicyType'], ParentType, ContextType>;
};

export type StackWebhookResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StackWebhook'] = ResolversParentTypes['StackWebhook']> = {
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  endpoint?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  retryOnFailure?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StacksConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StacksConnection'] = ResolversParentTypes['StacksConnection']> = {
  edges?: Resolver<Array<ResolversTypes['StackEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type StateDownloadUrlResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StateDownloadUrl'] = ResolversParentTypes['StateDownloadUrl']> = {
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StateUploadUrlResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StateUploadUrl'] = ResolversParentTypes['StateUploadUrl']> = {
  objectId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type StringMapResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StringMap'] = ResolversParentTypes['StringMap']> = {
  entries?: Resolver<Array<ResolversTypes['StringMapEntry']>, ParentType, ContextType>;
};

export type StringMapEntryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['StringMapEntry'] = ResolversParentTypes['StringMapEntry']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TeamResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Team'] = ResolversParentTypes['Team']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  slug?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TemplateResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Template'] = ResolversParentTypes['Template']> = {
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  deploymentsCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  space?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type TemplateEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TemplateEdge'] = ResolversParentTypes['TemplateEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Template'], ParentType, ContextType>;
};

export type TemplatesConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TemplatesConnection'] = ResolversParentTypes['TemplatesConnection']> = {
  edges?: Resolver<Array<ResolversTypes['TemplateEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type TerraformEntityResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformEntity'] = ResolversParentTypes['TerraformEntity']> = {
  __resolveType: TypeResolveFn<'TerraformModule' | 'TerraformOutput' | 'TerraformResource', ParentType, ContextType>;
};

export type TerraformModuleResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformModule'] = ResolversParentTypes['TerraformModule']> = {
  phantom?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type TerraformOutputResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformOutput'] = ResolversParentTypes['TerraformOutput']> = {
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sensitive?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type TerraformProviderResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformProvider'] = ResolversParentTypes['TerraformProvider']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  versions?: Resolver<Array<ResolversTypes['TerraformProviderVersion']>, ParentType, ContextType>;
};

export type TerraformProviderVersionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformProviderVersion'] = ResolversParentTypes['TerraformProviderVersion']> = {
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  platforms?: Resolver<Array<ResolversTypes['TerraformProviderVersionPlatform']>, ParentType, ContextType>;
  protocolVersions?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type TerraformProviderVersionPlatformResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformProviderVersionPlatform'] = ResolversParentTypes['TerraformProviderVersionPlatform']> = {
  architecture?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  os?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type TerraformResourceResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['TerraformResource'] = ResolversParentTypes['TerraformResource']> = {
  address?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  mode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  module?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tainted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  values?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type UsageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Usage'] = ResolversParentTypes['Usage']> = {
  allowedMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  allowedSeats?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  logins?: Resolver<Array<ResolversTypes['UserLogin']>, ParentType, ContextType>;
  usedMinutes?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  usedSeats?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UserResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  admin?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  avatarURL?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  jwt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  teams?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  validUntil?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type UserLoginResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UserLogin'] = ResolversParentTypes['UserLogin']> = {
  timestamp?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  username?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type VcsIntegrationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['VCSIntegration'] = ResolversParentTypes['VCSIntegration']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isDefault?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type WorkerResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Worker'] = ResolversParentTypes['Worker']> = {
  busy?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  drained?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  metadata?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type WorkerPoolResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['WorkerPool'] = ResolversParentTypes['WorkerPool']> = {
  busyWorkers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  config?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  driftDetectionRunLimit?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  labels?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  pendingRuns?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  space?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  spaceDetails?: Resolver<ResolversTypes['Space'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  workers?: Resolver<Array<ResolversTypes['Worker']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  AnsibleEntity?: AnsibleEntityResolvers<ContextType>;
  AnsibleResource?: AnsibleResourceResolvers<ContextType>;
  ApiKey?: ApiKeyResolvers<ContextType>;
  AuditTrailActor?: AuditTrailActorResolvers<ContextType>;
  AuditTrailActorRun?: AuditTrailActorRunResolvers<ContextType>;
  AuditTrailEntriesConnection?: AuditTrailEntriesConnectionResolvers<ContextType>;
  AuditTrailEntry?: AuditTrailEntryResolvers<ContextType>;
  AuditTrailEntryEdge?: AuditTrailEntryEdgeResolvers<ContextType>;
  AuditTrailResource?: AuditTrailResourceResolvers<ContextType>;
  Blueprint?: BlueprintResolvers<ContextType>;
  BlueprintEdge?: BlueprintEdgeResolvers<ContextType>;
  BlueprintTemplateInput?: BlueprintTemplateInputResolvers<ContextType>;
  BlueprintsConnection?: BlueprintsConnectionResolvers<ContextType>;
  CloudFormationEntity?: CloudFormationEntityResolvers<ContextType>;
  CloudFormationOutput?: CloudFormationOutputResolvers<ContextType>;
  CloudFormationResource?: CloudFormationResourceResolvers<ContextType>;
  Commit?: CommitResolvers<ContextType>;
  ConfigElement?: ConfigElementResolvers<ContextType>;
  ConfigElementWithSource?: ConfigElementWithSourceResolvers<ContextType>;
  Context?: ContextResolvers<ContextType>;
  ContextHooks?: ContextHooksResolvers<ContextType>;
  ContextStackAttachment?: ContextStackAttachmentResolvers<ContextType>;
  DebugInfo?: DebugInfoResolvers<ContextType>;
  Delta?: DeltaResolvers<ContextType>;
  EntityVendor?: EntityVendorResolvers<ContextType>;
  EntityVendorAnsible?: EntityVendorAnsibleResolvers<ContextType>;
  EntityVendorCloudFormation?: EntityVendorCloudFormationResolvers<ContextType>;
  EntityVendorKubernetes?: EntityVendorKubernetesResolvers<ContextType>;
  EntityVendorPulumi?: EntityVendorPulumiResolvers<ContextType>;
  EntityVendorTerraform?: EntityVendorTerraformResolvers<ContextType>;
  GitLabIntegration?: GitLabIntegrationResolvers<ContextType>;
  GitLabProjectHook?: GitLabProjectHookResolvers<ContextType>;
  GpgKey?: GpgKeyResolvers<ContextType>;
  KubernetesEntity?: KubernetesEntityResolvers<ContextType>;
  KubernetesResource?: KubernetesResourceResolvers<ContextType>;
  KubernetesRoot?: KubernetesRootResolvers<ContextType>;
  LocalWorkspaceUpload?: LocalWorkspaceUploadResolvers<ContextType>;
  LogMessage?: LogMessageResolvers<ContextType>;
  LogsResponse?: LogsResponseResolvers<ContextType>;
  ManagedEntity?: ManagedEntityResolvers<ContextType>;
  Module?: ModuleResolvers<ContextType>;
  ModuleEdge?: ModuleEdgeResolvers<ContextType>;
  ModuleVersion?: ModuleVersionResolvers<ContextType>;
  ModuleVersionEdge?: ModuleVersionEdgeResolvers<ContextType>;
  ModuleVersionsConnection?: ModuleVersionsConnectionResolvers<ContextType>;
  ModulesConnection?: ModulesConnectionResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  OAuthRedirect?: OAuthRedirectResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  PoliciesConnection?: PoliciesConnectionResolvers<ContextType>;
  Policy?: PolicyResolvers<ContextType>;
  PolicyEdge?: PolicyEdgeResolvers<ContextType>;
  PolicyEvaluationRecord?: PolicyEvaluationRecordResolvers<ContextType>;
  PolicyStackAttachment?: PolicyStackAttachmentResolvers<ContextType>;
  PulumiEntity?: PulumiEntityResolvers<ContextType>;
  PulumiOutput?: PulumiOutputResolvers<ContextType>;
  PulumiResource?: PulumiResourceResolvers<ContextType>;
  PulumiStack?: PulumiStackResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Repository?: RepositoryResolvers<ContextType>;
  Run?: RunResolvers<ContextType>;
  RunChanges?: RunChangesResolvers<ContextType>;
  RunComment?: RunCommentResolvers<ContextType>;
  RunMergeRequest?: RunMergeRequestResolvers<ContextType>;
  RunResourceAttributeChange?: RunResourceAttributeChangeResolvers<ContextType>;
  RunResourceChange?: RunResourceChangeResolvers<ContextType>;
  RunResourceChangeMetadata?: RunResourceChangeMetadataResolvers<ContextType>;
  RunReview?: RunReviewResolvers<ContextType>;
  RunStateTransition?: RunStateTransitionResolvers<ContextType>;
  RuntimeConfig?: RuntimeConfigResolvers<ContextType>;
  SlackIntegration?: SlackIntegrationResolvers<ContextType>;
  SlackSubscription?: SlackSubscriptionResolvers<ContextType>;
  SlackWorkspace?: SlackWorkspaceResolvers<ContextType>;
  Space?: SpaceResolvers<ContextType>;
  Stack?: StackResolvers<ContextType>;
  StackAwsIntegration?: StackAwsIntegrationResolvers<ContextType>;
  StackConfigVendor?: StackConfigVendorResolvers<ContextType>;
  StackConfigVendorAnsible?: StackConfigVendorAnsibleResolvers<ContextType>;
  StackConfigVendorCloudFormation?: StackConfigVendorCloudFormationResolvers<ContextType>;
  StackConfigVendorKubernetes?: StackConfigVendorKubernetesResolvers<ContextType>;
  StackConfigVendorOpenTofu?: StackConfigVendorOpenTofuResolvers<ContextType>;
  StackConfigVendorPulumi?: StackConfigVendorPulumiResolvers<ContextType>;
  StackConfigVendorTerraform?: StackConfigVendorTerraformResolvers<ContextType>;
  StackConfigVendorTerragrunt?: StackConfigVendorTerragruntResolvers<ContextType>;
  StackContextAttachment?: StackContextAttachmentResolvers<ContextType>;
  StackDependency?: StackDependencyResolvers<ContextType>;
  StackDriftDetectionIntegration?: StackDriftDetectionIntegrationResolvers<ContextType>;
  StackEdge?: StackEdgeResolvers<ContextType>;
  StackGcpIntegration?: StackGcpIntegrationResolvers<ContextType>;
  StackIntegrations?: StackIntegrationsResolvers<ContextType>;
  StackOutput?: StackOutputResolvers<ContextType>;
  StackPolicyAttachment?: StackPolicyAttachmentResolvers<ContextType>;
  StackWebhook?: StackWebhookResolvers<ContextType>;
  StacksConnection?: StacksConnectionResolvers<ContextType>;
  StateDownloadUrl?: StateDownloadUrlResolvers<ContextType>;
  StateUploadUrl?: StateUploadUrlResolvers<ContextType>;
  StringMap?: StringMapResolvers<ContextType>;
  StringMapEntry?: StringMapEntryResolvers<ContextType>;
  Team?: TeamResolvers<ContextType>;
  Template?: TemplateResolvers<ContextType>;
  TemplateEdge?: TemplateEdgeResolvers<ContextType>;
  TemplatesConnection?: TemplatesConnectionResolvers<ContextType>;
  TerraformEntity?: TerraformEntityResolvers<ContextType>;
  TerraformModule?: TerraformModuleResolvers<ContextType>;
  TerraformOutput?: TerraformOutputResolvers<ContextType>;
  TerraformProvider?: TerraformProviderResolvers<ContextType>;
  TerraformProviderVersion?: TerraformProviderVersionResolvers<ContextType>;
  TerraformProviderVersionPlatform?: TerraformProviderVersionPlatformResolvers<ContextType>;
  TerraformResource?: TerraformResourceResolvers<ContextType>;
  Usage?: UsageResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserLogin?: UserLoginResolvers<ContextType>;
  VCSIntegration?: VcsIntegrationResolvers<ContextType>;
  Worker?: WorkerResolvers<ContextType>;
  WorkerPool?: WorkerPoolResolvers<ContextType>;
};

