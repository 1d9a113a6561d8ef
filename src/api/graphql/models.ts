import type { Viewer } from '../../auth/viewer';
import type { ApiKey } from '../../auth/apiKeys';
export type { Context as ContextRow, ConfigElementRow } from '../../contexts/service';
export type {
  Policy as PolicyRow,
  PolicyAttachment as PolicyAttachmentRow,
} from '../../policy/service';
export type { Run as RunRow } from '../../runs/store';
export type { Stack as StackRow } from '../../stacks/service';
export type { WorkerPool as WorkerPoolRow } from '../../workerPools/service';
import type { Space } from '../../spaces/service';
import type { SpaceAccessLevel } from './types.generated';

/** What resolvers of the types below start from; the SDL's other types are served as they are. */

/** A context attached to a stack, seen from the stack. */
export interface StackAttachmentModel {
  id: string;
  contextId: string;
  priority: number;
}

/** A context attached to a stack, seen from the context. */
export interface ContextAttachmentModel {
  id: string;
  stackId: string;
  priority: number;
}

/** An API key; the secret only in the answer to apiKeyCreate. */
export type ApiKeyModel = ApiKey & { secret?: string };

/** A viewer with the token that stands for them. */
export type UserModel = Viewer & { jwt: string; validUntil: number };

/** A space with the caller's access level in it. */
export type SpaceModel = Space & { accessLevel: SpaceAccessLevel };

/** A time as the API answers it: whole seconds since the epoch. */
export const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
