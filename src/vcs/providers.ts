import type { GitLabApi } from '../gitlab/api';
import { GitLabProvider } from './gitlab';
import type { VcsProvider, Repository } from '.';
import { RawGitProvider, type RawGitOptions } from './rawGit';

/** The provider each stack's code comes from, by the stack's `provider`. */
export function vcsProviders(
  gitlabApi: () => Promise<GitLabApi | undefined>,
  rawGitOptions: RawGitOptions = {},
) {
  const rawGit = new RawGitProvider(rawGitOptions);
  const gitlab = new GitLabProvider(gitlabApi);
  return (stack: Repository): VcsProvider => (stack.provider === 'GITLAB' ? gitlab : rawGit);
}
