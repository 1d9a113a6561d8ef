/** The file that points OpenTofu at Gantry's state backend; it overrides any backend the code names. */
export const BACKEND_OVERRIDE_FILE = 'gantry_backend_override.tf';

/**
 * OpenTofu's http backend aimed at /state/<stackId>. The credentials are not in the file:
 * OpenTofu reads them from TF_HTTP_USERNAME and TF_HTTP_PASSWORD.
 */
export function backendOverride(apiUrl: string, stackId: string): string {
  const address = JSON.stringify(`${apiUrl}/state/${encodeURIComponent(stackId)}`);
  return `terraform {
  backend "http" {
    address        = ${address}
    lock_address   = ${address}
    unlock_address = ${address}
    lock_method    = "LOCK"
    unlock_method  = "UNLOCK"
  }
}
`;
}
