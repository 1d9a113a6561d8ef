import { useId, useState, type FormEvent } from 'react';
import { Link, useLoaderData, useNavigate, type LoaderFunctionArgs } from 'react-router';
import { graphql } from '../../api/graphql';
import { loadOrSignIn, useSignInOnSessionEnd } from '../../api/routing';
import type { Policy } from '../../api/schema.generated';
import { Labels } from '../../components/Labels';
import { Empty, ErrorNotice } from '../../components/Notice';
import { Time } from '../../components/Time';
import { PolicyEditor, type CompileError } from './PolicyEditor';
import { saveRefusal } from './policyErrors';

type PolicyRow = Pick<Policy, 'id' | 'name' | 'description' | 'type' | 'labels' | 'updatedAt'> & {
  spaceDetails: { name: string };
  attachedStacks: Array<{ id: string }>;
};

const POLICIES_QUERY = `query ConsolePolicies {
  policies {
    id name description type labels updatedAt
    spaceDetails { name }
    attachedStacks { id }
  }
}`;

export function policiesLoader({ request }: LoaderFunctionArgs) {
  return loadOrSignIn(request, async () => {
    const { policies } = await graphql<{ policies: PolicyRow[] }>(POLICIES_QUERY);
    return policies.sort((a, b) => a.name.localeCompare(b.name));
  });
}

export function policyPath(id: string): string {
  return `/admin/policies/${encodeURIComponent(id)}`;
}

/** Stack access policies: the Rego that decides who may read and write which stacks. */
export function PoliciesPage() {
  const policies = useLoaderData<PolicyRow[]>();
  const ids = useId();
  return (
    <section className="page" aria-labelledby="policies-title">
      <title>Policies · Gantry</title>
      <h1 id="policies-title">Policies</h1>
      <section className="section" aria-labelledby={`${ids}-list`}>
        <h2 id={`${ids}-list`}>Stack access policies</h2>
        {policies.length === 0 ? (
          <Empty>
            No policies: stacks are read and written by their readers and writers teams.
          </Empty>
        ) : (
          <div className="table-wrap">
            <table className="cards-on-phone">
              <caption className="visually-hidden">Policies</caption>
              <thead>
                <tr>
                  <th scope="col">Policy</th>
                  <th scope="col">Space</th>
                  <th scope="col">Attached to</th>
                  <th scope="col">Labels</th>
                  <th scope="col">Changed</th>
                </tr>
              </thead>
              <tbody>
                {policies.map((policy) => (
                  <tr key={policy.id}>
                    <th scope="row" data-label="Policy">
                      <Link to={policyPath(policy.id)}>{policy.name}</Link>
                      {policy.description && (
                        <div className="muted small">{policy.description}</div>
                      )}
                    </th>
                    <td data-label="Space">{policy.spaceDetails.name}</td>
                    <td data-label="Attached to">
                      {policy.attachedStacks.length}{' '}
                      {policy.attachedStacks.length === 1 ? 'stack' : 'stacks'}
                    </td>
                    <td data-label="Labels">
                      <Labels labels={policy.labels} />
                    </td>
                    <td data-label="Changed">
                      <Time unix={policy.updatedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <NewPolicy />
    </section>
  );
}

function NewPolicy() {
  const ids = useId();
  const navigate = useNavigate();
  const signInAgain = useSignInOnSessionEnd();
  const [name, setName] = useState('');
  const [body, setBody] = useState('package spacelift\n');
  const [errors, setErrors] = useState<CompileError[]>([]);
  const [other, setOther] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setErrors([]);
    setOther(null);
    try {
      const { policyCreate } = await graphql<{ policyCreate: { id: string } }>(
        `
          mutation ConsolePolicyCreate($name: String!, $body: String!) {
            policyCreate(name: $name, body: $body, type: ACCESS) {
              id
            }
          }
        `,
        { name: name.trim(), body },
      );
      await navigate(policyPath(policyCreate.id));
    } catch (error) {
      if (signInAgain(error)) return;
      const refusal = saveRefusal(error);
      setErrors(refusal.compile);
      setOther(refusal.other);
      setPending(false);
    }
  };

  return (
    <section className="section card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>New policy</h2>
      <form className="stack-form" onSubmit={(event) => void create(event)}>
        <div className="field">
          <label htmlFor={`${ids}-name`}>Name</label>
          <input
            id={`${ids}-name`}
            value={name}
            required
            onChange={(event) => setName(event.target.value)}
          />
          <p className="hint">The policy’s id is made from its name.</p>
        </div>
        <PolicyEditor
          label="Rego (package spacelift)"
          value={body}
          onChange={setBody}
          errors={errors}
        />
        {other && (
          <ErrorNotice title="The policy was not made">
            <p className="pre-line">{other}</p>
          </ErrorNotice>
        )}
        <button type="submit" className="button button-primary" disabled={pending}>
          Create policy
        </button>
      </form>
    </section>
  );
}
