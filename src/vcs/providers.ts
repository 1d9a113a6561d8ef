import type { GitLabApi } from '../gitlab/api';
import { GitLabProvider } from './gitlab';
import type { VcsProvider, Repository } from '.';
import { RawGitProvider, type RawGitOptions } from './rawGit';

/**
 * The provider each stack's code comes from, by the stack's `provider`; with `sources` in the
 * options, both keep the commits they fetch there.
 */
export function vcsProviders(
  gitlabApi: () => Promise<GitLabApi | undefined>,
  options: RawGitOptions = {},
) {
  const rawGit = new RawGitProvider(options);
  const gitlab = new GitLabProvider(gitlabApi, options.sources);
  return (stack: Repository): VcsProvider => (stack.provider === 'GITLAB' ? gitlab : rawGit);
}
