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
// The texts of the documents kept, in all; their parsed trees are some ten times as large.
const KEPT_TEXT = 1_000_000;

/**
 * Parsing and validating a document once per API handler (one a process) rather than once per
 * request: clients send the same few documents over and over, and checking one against the
 * schema and the limits costs more than answering a small mutation. A document is kept by its
 * text once it has validated (the schema and the rules are the handler's own, and none
 * depends on the request), so that what anyone may send before being authenticated, which is
 * parsed first, is kept only if it is a valid document; short ones only, and so many
 * characters in all. The rest are parsed and validated each time.
 */
export function documentCache() {
  const kept = new LRUCache<string, DocumentNode>({
    max: KEPT_DOCUMENTS,
    maxSize: KEPT_TEXT,
    sizeCalculation: (_document, text) => Math.max(1, text.length),
  });
  // Documents parsed and not yet kept, with their text; and those that validated.
  const texts = new WeakMap<DocumentNode, string>();
  const valid = new WeakSet<DocumentNode>();
  return {
    parse: (source: string | Source): DocumentNode => {
      if (typeof source !== 'string') return parseLeniently(source);
      const known = kept.get(source);
      if (known) return known;
      const document = parseLeniently(source);
      if (source.length <= LONGEST_KEPT) texts.set(document, source);
      return document;
    },
    validate: (
      schema: GraphQLSchema,
      document: DocumentNode,
      rules?: readonly ValidationRule[],
    ): readonly GraphQLError[] => {
      if (valid.has(document)) return [];
      const errors = validate(schema, document, rules);
      if (errors.length > 0) return errors;
      valid.add(document);
      const text = texts.get(document);
      if (text !== undefined) kept.set(text, document);
      return errors;
    },
  };
}
