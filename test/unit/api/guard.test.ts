import { isAccountAdmin, isAdminIn } from '../../../src/api/graphql/guard';
import { ADMIN_VIEWER, type Viewer } from '../../../src/auth/viewer';

describe("isAdminIn, the API's one admin check", () => {
  const runOf = (spaceScope: string, spacesInScope?: string[], admin = true): Viewer => ({
    id: 'run/admin/01RUN',
    name: 'run 01RUN of stack admin',
    admin,
    teams: [],
    avatarURL: '',
    spaceScope,
    ...(spacesInScope ? { spacesInScope: new Set(spacesInScope) } : {}),
  });

  it('makes admins admins of every space, and nobody else of any', () => {
    expect(isAdminIn(ADMIN_VIEWER, 'root')).toBe(true);
    expect(isAdminIn(ADMIN_VIEWER, 'team-a')).toBe(true);
    expect(isAdminIn({ ...ADMIN_VIEWER, admin: false }, 'team-a')).toBe(false);
  });

  it("limits an administrative stack's token to its stack's space and those under it, root being all of them", () => {
    expect(isAdminIn(runOf('root'), 'team-a')).toBe(true);
    const teamA = runOf('team-a', ['team-a', 'team-a-prod', 'team-a-prod-eu']);
    expect(isAdminIn(teamA, 'team-a')).toBe(true);
    expect(isAdminIn(teamA, 'team-a-prod-eu')).toBe(true);
    expect(isAdminIn(teamA, 'team-b')).toBe(false);
    expect(isAdminIn(teamA, 'root')).toBe(false);
    // Without the spaces under it read, a scope holds its own space alone.
    expect(isAdminIn(runOf('team-a'), 'team-a')).toBe(true);
    expect(isAdminIn(runOf('team-a'), 'team-a-prod')).toBe(false);
  });

  it("makes no other stack's token an admin of anything", () => {
    expect(isAdminIn(runOf('root', undefined, false), 'root')).toBe(false);
    expect(isAdminIn(runOf('team-a', ['team-a'], false), 'team-a')).toBe(false);
  });

  it("keeps what belongs to the whole account to admins who are no run's token", () => {
    expect(isAccountAdmin(ADMIN_VIEWER)).toBe(true);
    expect(isAccountAdmin({ ...ADMIN_VIEWER, admin: false })).toBe(false);
    expect(isAccountAdmin(runOf('root'))).toBe(false);
  });
});
