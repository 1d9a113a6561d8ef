import { InvalidInputError } from '../platform/errors';

/*
 * The resource addresses a targeted replan is limited to. Each becomes one `-target=<address>`
 * argument of `tofu plan`, never a flag of its own: an address is checked against OpenTofu's
 * address grammar, so a value such as "-destroy" or one with spaces or quotes around other
 * text is refused before it reaches a tool.
 */

const MAX_TARGETS = 100;
const MAX_ADDRESS_LENGTH = 1024;

const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
// An instance key: a count index, or a for_each key in double quotes without quotes,
// backslashes or control characters inside.
const KEY = '\\[(?:\\d+|"[^"\\\\\\u0000-\\u001f\\u007f]*")\\]';
const MODULE = `module\\.${NAME}(?:${KEY})?`;
const RESOURCE = `(?:data\\.)?${NAME}\\.${NAME}(?:${KEY})?`;
const ADDRESS = new RegExp(`^(?:${MODULE}\\.)*(?:${MODULE}|${RESOURCE})$`);

/** Whether `address` is a resource or module address OpenTofu's -target takes. */
export function isResourceAddress(address: string): boolean {
  return address.length <= MAX_ADDRESS_LENGTH && ADDRESS.test(address);
}

/**
 * The targets of a replan, trimmed and without repeats; an empty list, too many, or an
 * address that is not one is an InvalidInputError saying which.
 */
export function replanTargets(targets: readonly string[]): string[] {
  const unique = [...new Set(targets.map((target) => target.trim()))];
  if (unique.length === 0 || (unique.length === 1 && unique[0] === '')) {
    throw new InvalidInputError(
      "a replan needs at least one resource address to target, such as terraform_data.example (Run.changesV3 lists the run's)",
    );
  }
  if (unique.length > MAX_TARGETS) {
    throw new InvalidInputError(
      `a replan takes at most ${MAX_TARGETS} resource addresses; ${unique.length} were given`,
    );
  }
  const invalid = unique.filter((target) => !isResourceAddress(target));
  if (invalid.length > 0) {
    throw new InvalidInputError(
      `${invalid.map((target) => JSON.stringify(target.slice(0, 200))).join(', ')} ${invalid.length === 1 ? 'is not a resource address' : 'are not resource addresses'}; an address looks like terraform_data.example, module.network.aws_subnet.private[0] or aws_instance.web["blue"]`,
    );
  }
  return unique;
}

/** The `tofu plan` arguments limiting a plan to `targets`, one argument each. */
export function targetArguments(targets: readonly string[]): string[] {
  return replanTargets(targets).map((target) => `-target=${target}`);
}
