import {
  validate,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  type Source,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import { parseLeniently } from './parse';

// Spacelift's clients send well under a hundred different documents, each of a few kilobytes.
const KEPT_DOCUMENTS = 500;
const LONGEST_KEPT = 16_384;

/**
 * Parsing and validating a document once per handler rather than once per request: clients
 * send the same few documents over and over, and checking one against the schema and the
 * limits costs more than answering a small mutation. A document is kept by its text (only
 * short ones, so that what is kept stays small) and its validation by the parsed document,
 * which the same text always gives; the schema and the rules are the handler's own, so the
 * answer is the same each time. Documents that do not parse or do not validate are not kept.
 */
export function documentCache() {
  const parsed = new LRUCache<string, DocumentNode>({ max: KEPT_DOCUMENTS });
  const valid = new WeakSet<DocumentNode>();
  return {
    parse: (source: string | Source): DocumentNode => {
      if (typeof source !== 'string') return parseLeniently(source);
      const text = source;
      const known = parsed.get(text);
      if (known) return known;
      const document = parseLeniently(text);
      if (text.length <= LONGEST_KEPT) parsed.set(text, document);
      return document;
    },
    validate: (
      schema: GraphQLSchema,
      document: DocumentNode,
      rules?: readonly ValidationRule[],
    ): readonly GraphQLError[] => {
      if (valid.has(document)) return [];
      const errors = validate(schema, document, rules);
      if (errors.length === 0) valid.add(document);
      return errors;
    },
  };
}
