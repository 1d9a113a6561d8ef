import { GraphQLError, Lexer, parse, Source, TokenKind } from 'graphql';

/**
 * Parses a GraphQL document as Spacelift's server does: an empty argument list, `spaces()`,
 * is read as no arguments. The GraphQL grammar has no empty lists, but Spacelift's Terraform
 * provider sends them (its spaces, contexts and policies data sources), and Spacelift's own
 * server takes them. Only a document that does not parse otherwise is read again so; any other
 * mistake is reported as the grammar has it.
 */
export function parseLeniently(source: string | Source, options?: Parameters<typeof parse>[1]) {
  try {
    return parse(source, options);
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    const text = typeof source === 'string' ? source : source.body;
    const without = withoutEmptyArguments(text);
    if (without === text) throw error;
    try {
      return parse(without, options);
    } catch {
      throw error;
    }
  }
}

/** The text with each `(` directly followed by `)` (whitespace and comments aside) removed. */
function withoutEmptyArguments(text: string): string {
  const lexer = new Lexer(new Source(text));
  const cuts: Array<[number, number]> = [];
  try {
    let previous = lexer.advance();
    while (previous.kind !== TokenKind.EOF) {
      const token = lexer.advance();
      if (previous.kind === TokenKind.PAREN_L && token.kind === TokenKind.PAREN_R) {
        cuts.push([previous.start, token.end]);
      }
      previous = token;
    }
  } catch {
    // Text that does not even lex is left as it is, for parse to report.
    return text;
  }
  let result = text;
  for (const [start, end] of cuts.reverse()) {
    result = result.slice(0, start) + result.slice(end);
  }
  return result;
}
