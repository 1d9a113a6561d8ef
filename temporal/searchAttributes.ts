import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes every run carries, so an operator can filter the Temporal UI by stack,
 * run type, state, commit or branch. Workers register any that are missing at start.
 */
export const stackIdKey = defineSearchAttributeKey('GantryStackId', SearchAttributeType.KEYWORD);
export const runTypeKey = defineSearchAttributeKey('GantryRunType', SearchAttributeType.KEYWORD);
export const runStateKey = defineSearchAttributeKey('GantryRunState', SearchAttributeType.KEYWORD);
export const commitShaKey = defineSearchAttributeKey('GantryCommit', SearchAttributeType.KEYWORD);
export const branchKey = defineSearchAttributeKey('GantryBranch', SearchAttributeType.KEYWORD);

export const searchAttributeKeys = [stackIdKey, runTypeKey, runStateKey, commitShaKey, branchKey];
