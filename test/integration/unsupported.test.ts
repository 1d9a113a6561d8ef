import fs from 'node:fs';
import path from 'node:path';
import { startDatabaseApi, type ApiServer } from '../support/api';

const documents = fs
  .readFileSync(path.join(__dirname, '../fixtures/spacelift-clients/documents.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map(
    (line) =>
      JSON.parse(line) as { commands: string[]; query: string; variables: Record<string, unknown> },
  );

describe("spacectl's commands for Spacelift features Gantry does not have", () => {
  let api: ApiServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ api, close } = await startDatabaseApi());
  });
  afterAll(() => close?.());

  it.each([
    ['module-list', 'Gantry has no module registry'],
    ['module-list-versions', 'Gantry has no module registry'],
    ['blueprint-list', 'Gantry has no blueprints'],
    ['blueprint-show', 'Gantry has no blueprints'],
    ['template-list', 'Gantry has no templates'],
    ['provider-list-gpg-keys', 'Gantry has no Terraform provider registry'],
    ['provider-list-versions', 'Gantry has no Terraform provider registry'],
    ['audit-trail-list', 'Gantry keeps no audit trail'],
  ])('%s ends with a sentence saying what Gantry has instead', async (command, message) => {
    const document = documents.find((sent) => sent.commands[0] === command)!;
    const answer = await api.graphql(document.query, document.variables);
    expect(answer.status).toBe(200);
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject({ extensions: { code: 'UNSUPPORTED' } });
    expect(answer.errors![0]!.message).toContain(message);
  });

  it("ends local-preview's upload with a sentence, as spacectl sends it", async () => {
    const answer = await api.graphql(
      `mutation ($stack: ID!) {
        uploadLocalWorkspace(stack: $stack) { id uploadUrl uploadHeaders { entries { key value } } }
      }`,
      { stack: 'any' },
    );
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: 'UNSUPPORTED' } });
    expect(answer.errors?.[0]?.message).toMatch(/^Gantry has no local preview: push the change/);
  });

  it('asks for a token first, as every other query does', async () => {
    const document = documents.find((sent) => sent.commands[0] === 'module-list')!;
    const answer = await api.graphql(document.query, document.variables, null);
    expect(answer.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
