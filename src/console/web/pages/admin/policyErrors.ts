import { ApiError, messageOf } from '../../api/graphql';
import { compileErrors, type CompileError } from './PolicyEditor';

/**
 * A refused save, split into compile errors (shown at their lines in the editor) and anything
 * else (shown above the form).
 */
export function saveRefusal(error: unknown): { compile: CompileError[]; other: string | null } {
  const message = messageOf(error);
  if (error instanceof ApiError && error.code === 'BAD_USER_INPUT') {
    const errors = compileErrors(message);
    if (errors.some((e) => e.line !== null) || message.startsWith('compiling to WebAssembly')) {
      return { compile: errors, other: null };
    }
  }
  return { compile: [], other: message };
}
