import { isAdminIn } from '../../../src/api/graphql/guard';
import { ADMIN_VIEWER, type Viewer } from '../../../src/auth/viewer';

describe("isAdminIn, the API's one admin check", () => {
  const runOf = (spaceScope: string): Viewer => ({
    id: 'run/admin/01RUN',
    name: 'run 01RUN of stack admin',
    admin: true,
    teams: [],
    avatarURL: '',
    spaceScope,
  });

  it('makes admins admins of every space, and nobody else of any', () => {
    expect(isAdminIn(ADMIN_VIEWER)).toBe(true);
    expect(isAdminIn(ADMIN_VIEWER, 'team-a')).toBe(true);
    expect(isAdminIn({ ...ADMIN_VIEWER, admin: false }, 'team-a')).toBe(false);
  });

  it("limits a run's token to its stack's space, root being all of them", () => {
    expect(isAdminIn(runOf('root'), 'team-a')).toBe(true);
    expect(isAdminIn(runOf('team-a'), 'team-a')).toBe(true);
    expect(isAdminIn(runOf('team-a'), 'team-b')).toBe(false);
    // What is in no space counts as root's.
    expect(isAdminIn(runOf('team-a'))).toBe(false);
    expect(isAdminIn({ ...runOf('root'), admin: false })).toBe(false);
  });
});
