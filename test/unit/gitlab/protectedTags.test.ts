import { protectedTagCovers } from '../../../src/gitlab/api';

// GitLab's RefMatcher: the exact name, or a wildcard whose `*` is any characters (`/` too).
describe('protectedTagCovers', () => {
  it('matches protected tag names as GitLab does: `*` for any characters, nothing else special', () => {
    expect(protectedTagCovers('v1.0', 'v1.0')).toBe(true);
    expect(protectedTagCovers('v1.0', 'v1x0')).toBe(false);
    expect(protectedTagCovers('v*', 'v1.2.0')).toBe(true);
    expect(protectedTagCovers('v*', 'v')).toBe(true);
    expect(protectedTagCovers('v*', 'v1/rc')).toBe(true);
    expect(protectedTagCovers('v*', 'V1')).toBe(false);
    expect(protectedTagCovers('v*', 'candidate-v1')).toBe(false);
    expect(protectedTagCovers('*-stable', '1.0-stable')).toBe(true);
    expect(protectedTagCovers('*-stable', '1.0-stable-2')).toBe(false);
    expect(protectedTagCovers('release-*-*', 'release-1-rc')).toBe(true);
    expect(protectedTagCovers('v?', 'v1')).toBe(false);
    expect(protectedTagCovers('v[0-9]*', 'v1')).toBe(false);
    expect(protectedTagCovers('v[0-9]*', 'v[0-9]1')).toBe(true);
    expect(protectedTagCovers('v1.*', 'v1x2')).toBe(false);
  });
});
