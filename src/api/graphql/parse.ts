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

// A document with more empty lists than this is not one of the provider's: it is refused as is.
const MAX_EMPTY_LISTS = 64;

/**
 * The text with each `(` directly followed by `)` (whitespace and comments aside) replaced by a
 * space, which keeps the tokens around it apart; the text as it is when there are none, or
 * more than a document of the provider's would have.
 */
function withoutEmptyArguments(text: string): string {
  const lexer = new Lexer(new Source(text));
  const cuts: Array<[number, number]> = [];
  try {
    let previous = lexer.advance();
    while (previous.kind !== TokenKind.EOF) {
      const token = lexer.advance();
      if (previous.kind === TokenKind.PAREN_L && token.kind === TokenKind.PAREN_R) {
        cuts.push([previous.start, token.end]);
        if (cuts.length > MAX_EMPTY_LISTS) return text;
      }
      previous = token;
    }
  } catch {
    // Text that does not even lex is left as it is, for parse to report.
    return text;
  }
  const pieces: string[] = [];
  let from = 0;
  for (const [start, end] of cuts) {
    pieces.push(text.slice(from, start), ' ');
    from = end;
  }
  pieces.push(text.slice(from));
  return pieces.join('');
}
