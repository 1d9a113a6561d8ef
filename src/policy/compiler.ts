import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tar from 'tar';
import { timeBuiltins } from './builtins';
import { InvalidInputError } from '../platform/errors';

const run = promisify(execFile);

// Compiling a policy takes well under a second; this only bounds a wedged opa.
const OPA_TIMEOUT_MS = 30_000;
export const POLICY_PACKAGE = 'spacelift';

/** Rego that does not compile, or that is not a stack access policy. */
export class PolicyCompileError extends InvalidInputError {}

export interface CompiledPolicy {
  wasm: Buffer;
  /** Which Rego the body is written in: current (v1) or the older v0 of most published examples. */
  syntax: 'v1' | 'v0';
}

interface OpaError {
  message: string;
  code?: string;
  location?: { row?: number; col?: number };
}

const PACKAGE_LINE = /^[ \t]*package\s+([^\s#]+)/m;

/**
 * Compiles stack access policies to WebAssembly with the opa binary. Policies may only call
 * the built-ins that the WebAssembly SDK and Gantry provide at evaluation, so a policy that
 * would fail on every request is refused when it is written.
 */
export class PolicyCompiler {
  private capabilitiesJson: Promise<string> | undefined;

  /** `opa` is the binary, or finds it when the first policy is compiled. */
  constructor(private readonly opaBinary: string | (() => string)) {}

  private get opaPath(): string {
    return typeof this.opaBinary === 'string' ? this.opaBinary : this.opaBinary();
  }

  /** Compiles `body` as `syntax`, or as whichever Rego it is written in when none is given. */
  async compile(body: string, syntax?: CompiledPolicy['syntax']): Promise<CompiledPolicy> {
    const packageName = PACKAGE_LINE.exec(body)?.[1];
    if (packageName !== undefined && packageName !== POLICY_PACKAGE) {
      throw new PolicyCompileError(
        `line ${lineOf(body, PACKAGE_LINE)}: a stack access policy is in \`package ${POLICY_PACKAGE}\`, not \`package ${packageName}\``,
      );
    }
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gantry-policy-'));
    try {
      const file = path.join(dir, 'policy.rego');
      const capabilities = path.join(dir, 'capabilities.json');
      await fs.writeFile(file, body);
      await fs.writeFile(capabilities, await this.capabilities());
      const chosen = syntax ?? (await this.syntaxOf(file, capabilities));
      if (syntax) {
        const errors = await this.check(file, capabilities, syntax);
        if (errors.length > 0) {
          throw new PolicyCompileError(
            `${describe(errors)} (compiled as Rego ${syntax}, as engineType asks; leave engineType out to have Gantry tell the syntax)`,
          );
        }
      }

      const bundle = path.join(dir, 'bundle.tar.gz');
      await this.opa(
        [
          'build',
          '--target=wasm',
          `--entrypoint=${POLICY_PACKAGE}`,
          `--capabilities=${capabilities}`,
          ...(chosen === 'v0' ? ['--v0-compatible'] : []),
          `--output=${bundle}`,
          file,
        ],
        dir,
      ).catch((error: Error & { stderr?: string }) => {
        const message = (error.stderr?.trim() || error.message).replaceAll(`${dir}/`, '');
        throw new PolicyCompileError(`compiling to WebAssembly: ${message}`);
      });
      await tar.x({
        file: bundle,
        cwd: dir,
        filter: (entry) => entry.replace(/^\//, '') === 'policy.wasm',
      });
      return { wasm: await fs.readFile(path.join(dir, 'policy.wasm')), syntax: chosen };
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Which Rego the file is written in: the current syntax if it compiles as such, else v0 if
   * it compiles as that. When neither does, the errors of the reading with fewer of them are
   * the ones that point at the mistake (the current syntax on a tie).
   */
  private async syntaxOf(file: string, capabilities: string): Promise<CompiledPolicy['syntax']> {
    const v1 = await this.check(file, capabilities, 'v1');
    if (v1.length === 0) return 'v1';
    const v0 = await this.check(file, capabilities, 'v0');
    if (v0.length === 0) return 'v0';
    throw new PolicyCompileError(describe(v0.length < v1.length ? v0 : v1));
  }

  /** OPA's errors for the file, read as `syntax`; none when it compiles. */
  private async check(
    file: string,
    capabilities: string,
    syntax: 'v1' | 'v0',
  ): Promise<OpaError[]> {
    try {
      await this.opa(
        [
          'check',
          '--format=json',
          `--capabilities=${capabilities}`,
          ...(syntax === 'v0' ? ['--v0-compatible'] : []),
          file,
        ],
        path.dirname(file),
      );
      return [];
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      try {
        const parsed = JSON.parse(stdout || stderr || '') as { errors?: OpaError[] };
        if (parsed.errors?.length) return parsed.errors;
      } catch {
        // Not OPA's JSON report: opa itself failed, and says why below.
      }
      throw new Error(`running opa check: ${stderr?.trim() || (error as Error).message}`, {
        cause: error,
      });
    }
  }

  /**
   * What a policy may call: the built-ins the WebAssembly SDK implements, and Gantry's time
   * built-ins, with the current opa's declarations and language features.
   */
  private capabilities(): Promise<string> {
    this.capabilitiesJson ??= (async () => {
      const { stdout } = await this.opa(['capabilities', '--current'], os.tmpdir());
      const current = JSON.parse(stdout) as { builtins: Array<{ name: string }> };
      // The SDK ships the list of what it implements beside its code, outside its exports map.
      const sdkCapabilities = JSON.parse(
        await fs.readFile(
          path.join(
            path.dirname(require.resolve('@open-policy-agent/opa-wasm')),
            '..',
            'capabilities.json',
          ),
          'utf8',
        ),
      ) as { builtins: Array<{ name: string }> };
      const allowed = new Set([
        ...sdkCapabilities.builtins.map((builtin) => builtin.name),
        ...Object.keys(timeBuiltins),
      ]);
      const capabilities = {
        ...current,
        builtins: current.builtins.filter((builtin) => allowed.has(builtin.name)),
      };
      return JSON.stringify(capabilities);
    })();
    this.capabilitiesJson.catch(() => (this.capabilitiesJson = undefined));
    return this.capabilitiesJson;
  }

  private opa(args: string[], cwd: string) {
    return run(this.opaPath, args, {
      cwd,
      timeout: OPA_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir() },
    });
  }
}

function lineOf(body: string, pattern: RegExp): number {
  return body.slice(0, Math.max(body.search(pattern), 0)).split('\n').length;
}

/** OPA's errors as people read them: `line 3, column 5: <message>`, one a line. */
function describe(errors: OpaError[]): string {
  return errors
    .map((error) => {
      const where = error.location?.row
        ? `line ${error.location.row}${error.location.col ? `, column ${error.location.col}` : ''}: `
        : '';
      return `${where}${error.message}${error.code ? ` (${error.code})` : ''}`;
    })
    .join('\n');
}
