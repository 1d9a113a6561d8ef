import MarkdownIt from 'markdown-it';
import { codeSpan, noteBody } from '../../../src/gitlab/runReport';
import type { AttributeChange, ResourceChange } from '../../../src/runs/plan';
import { RunState, RunType } from '../../../src/runs/types';
import type { RunView } from '../../../src/runs/view';

// GitLab's markdown is CommonMark with HTML let through its sanitizer: markdown-it with html on
// renders a note the way GitLab reads it.
const markdown = new MarkdownIt({ html: true });

const URL = 'https://gantry.example.com/stack/network/run/01RUN';

function runView(delta: Partial<RunView['delta']> = {}): RunView {
  return {
    id: '01RUN',
    type: RunType.PROPOSED,
    state: RunState.FINISHED,
    branch: 'feature',
    isTag: false,
    commit: { hash: 'a'.repeat(40), message: 'Change', url: '' },
    command: null,
    delta: {
      addCount: 0,
      addResources: [],
      changeCount: 1,
      changeResources: ['terraform_data.marker'],
      deleteCount: 0,
      deleteResources: [],
      resources: 1,
      ...delta,
    },
    mergeRequestIid: 1,
    decision: null,
    stack: { id: 'network', name: 'Network', provider: 'GITLAB', repository: 'infra/network' },
  };
}

function attribute(path: string, before: string | null, after: string | null): AttributeChange {
  return { path, before, after, sensitive: false, unknownAfter: false };
}

function change(
  address: string,
  attributes: AttributeChange[],
  type: ResourceChange['type'] = 'CHANGE',
): ResourceChange {
  return { address, previousAddress: null, type, attributes };
}

describe("the stack's note on a merge request", () => {
  it('lists the attributes that change in each resource, before and after', () => {
    const body = noteBody(runView(), URL, [
      change('terraform_data.marker', [
        attribute('input', '"one"', '"two"'),
        { path: 'output', before: '"one"', after: null, sensitive: false, unknownAfter: true },
      ]),
    ]);
    expect(body).toContain('**To change (1)**');
    expect(body).toContain('- `terraform_data.marker`');
    expect(body).toContain('  - `input`: `"one"` → `"two"`');
    expect(body).toContain('  - `output`: `"one"` → _(known after apply)_');
  });

  it('hides sensitive values, before and after', () => {
    const body = noteBody(runView(), URL, [
      change('aws_db_instance.main', [
        { path: 'password', before: null, after: null, sensitive: true, unknownAfter: false },
      ]),
    ]);
    expect(body).toContain('- `password`: _(sensitive)_');
    expect(body).not.toContain('_(none)_');
  });

  it('folds a resource with many attributes, or a long one, under its address', () => {
    const many = Array.from({ length: 5 }, (_, index) => attribute(`tags.t${index}`, '"a"', '"b"'));
    const body = noteBody(runView({ changeCount: 2 }), URL, [
      change('aws_instance.web', many),
      change('aws_iam_policy.main', [attribute('policy', '"x"', `"${'y'.repeat(200)}"`)]),
    ]);
    expect(body).toContain(
      '<details><summary><code>aws_instance.web</code> · 5 attributes</summary>',
    );
    expect(body).toContain(
      '<details><summary><code>aws_iam_policy.main</code> · 1 attribute</summary>',
    );
    const html = markdown.render(body);
    // The folded list is markdown again: GitLab renders it as a list inside the details.
    expect(html).toMatch(/<details><summary>.*?<\/summary>\s*<ul>\s*<li><code>tags.t0<\/code>/s);
  });

  it('keeps values text: nothing in them ends a code span or starts markup', () => {
    const evil = '"`</code></details><script>alert(1)</script> **bold** [x](javascript:1)\n# h"';
    const address = 'x.y["<img src=x onerror=alert(1)>`"]';
    const body = noteBody(runView(), URL, [
      change(address, [attribute('input', evil, '"``"')]),
      change(
        'x.z',
        Array.from({ length: 4 }, () => attribute('input', evil, null)),
      ),
    ]);
    const html = markdown.render(body);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<strong>bold');
    expect(html).not.toContain('<h1>');
    expect(html).not.toContain('href="javascript');
    // Every details block the note opens is the one it closes.
    expect(html.match(/<details>/g)?.length).toBe(html.match(/<\/details>/g)?.length);
  });

  it('writes a code span whose fence nothing inside matches', () => {
    expect(codeSpan('plain')).toBe('`plain`');
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x``')).toBe('``` `x`` ```');
    expect(codeSpan('a\nb')).toBe('`a\\u000ab`');
    for (const text of ['`x``', ' lead', 'a`b', '``']) {
      expect(markdown.renderInline(codeSpan(text))).toBe(
        `<code>${markdown.utils.escapeHtml(text)}</code>`,
      );
    }
  });

  it("stops before GitLab's limit, saying where the whole plan is", () => {
    const huge = Array.from({ length: 2_000 }, (_, index) =>
      attribute(`values[${index}]`, `"${'a'.repeat(600)}"`, `"${'b'.repeat(600)}"`),
    );
    const body = noteBody(runView(), URL, [
      change('terraform_data.huge', huge),
      change('terraform_data.after', [attribute('input', '"1"', '"2"')]),
    ]);
    expect(body.length).toBeLessThanOrEqual(1_000_000);
    expect(body).toContain(
      `_The note stops here: GitLab takes no longer notes. [See the whole plan in Gantry](${URL})._`,
    );
    expect(body).not.toContain('terraform_data.after');
    const html = markdown.render(body);
    expect(html.match(/<details>/g)?.length).toBe(html.match(/<\/details>/g)?.length);
  });

  it('cuts a very long value, saying how much is left out', () => {
    const body = noteBody(runView(), URL, [
      change('terraform_data.long', [attribute('input', `"${'a'.repeat(5_000)}"`, '"b"')]),
    ]);
    expect(body).toContain('_…and 4002 more characters_');
  });

  it('lists the addresses alone for a plan stored without its changes', () => {
    const body = noteBody(runView(), URL, []);
    expect(body).toContain('**To change (1)**\n\n- `terraform_data.marker`');
  });
});
