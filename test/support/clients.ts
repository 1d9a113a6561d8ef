import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Spacelift's own clients, as the compatibility suites find them. */
const CLIENTS = {
  spacectl: {
    binary: 'GANTRY_SPACECTL',
    source: 'GANTRY_SPACECTL_SRC',
    file: 'spacectl',
    install: 'go install github.com/spacelift-io/spacectl@latest',
  },
  provider: {
    binary: 'GANTRY_SPACELIFT_PROVIDER',
    source: 'GANTRY_SPACELIFT_PROVIDER_SRC',
    file: 'terraform-provider-spacelift',
    install: 'go install github.com/spacelift-io/terraform-provider-spacelift@latest',
  },
} as const;

/**
 * The client's binary: the one its variable names (GANTRY_SPACECTL,
 * GANTRY_SPACELIFT_PROVIDER), or one built by the script its _SRC variable names (a script
 * that takes `spacectl` or `provider`, builds it and prints its path, such as the clients'
 * build.sh), or the one on PATH.
 */
export function clientBinary(kind: keyof typeof CLIENTS): string {
  const client = CLIENTS[kind];
  const binary = process.env[client.binary];
  if (binary) return binary;
  const source = process.env[client.source];
  if (source) {
    return execFileSync('bash', [source, kind], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 20 * 60_000,
    }).trim();
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, client.file);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `the compatibility suite needs ${client.file}: set ${client.binary} to its binary, ${client.source} to a script that builds it, or put it on PATH (${client.install})`,
  );
}
