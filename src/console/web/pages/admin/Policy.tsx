import { useId, useState, type FormEvent } from 'react';
import { Link, useLoaderData, useRevalidator, type LoaderFunctionArgs } from 'react-router';
import { ApiError, graphql } from '../../api/graphql';
import { loadOrSignIn, param, useSignInOnSessionEnd } from '../../api/routing';
import type { Policy } from '../../api/schema.generated';
import { Empty, ErrorNotice } from '../../components/Notice';
import { Time } from '../../components/Time';
import { PolicyEditor, type CompileError } from './PolicyEditor';
import { saveRefusal } from './policyErrors';

type PolicyView = Pick<
  Policy,
  'id' | 'name' | 'description' | 'type' | 'body' | 'labels' | 'updatedAt' | 'engineType'
> & {
  spaceDetails: { name: string };
  attachedStacks: Array<{ id: string; stackId: string; stackName: string }>;
};

const POLICY_QUERY = `query ConsolePolicy($id: ID!) {
  policy(id: $id) {
    id name description type body labels updatedAt engineType
    spaceDetails { name }
    attachedStacks { id stackId stackName }
  }
}`;

export function policyLoader({ request, params }: LoaderFunctionArgs) {
  const id = param(params, 'policyId');
  return loadOrSignIn(request, async () => {
    const { policy } = await graphql<{ policy: PolicyView | null }>(POLICY_QUERY, { id });
    if (!policy) {
      throw new ApiError(
        `There is no policy "${id}" that you administer: check the address, or pick one from the policies.`,
        'NOT_FOUND',
      );
    }
    return policy;
  });
}

/** One policy: its Rego to edit, and the stacks it decides for. */
export function PolicyPage() {
  const policy = useLoaderData<PolicyView>();
  return <PolicyForm key={`${policy.id}/${policy.updatedAt}`} policy={policy} />;
}

function PolicyForm({ policy }: { policy: PolicyView }) {
  const ids = useId();
  const revalidator = useRevalidator();
  const signInAgain = useSignInOnSessionEnd();
  const [name, setName] = useState(policy.name);
  const [description, setDescription] = useState(policy.description ?? '');
  const [labels, setLabels] = useState(policy.labels.join(', '));
  const [body, setBody] = useState(policy.body);
  const [errors, setErrors] = useState<CompileError[]>([]);
  const [other, setOther] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const changed =
    name !== policy.name ||
    description !== (policy.description ?? '') ||
    labels !== policy.labels.join(', ') ||
    body !== policy.body;

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setErrors([]);
    setOther(null);
    try {
      await graphql(
        `
          mutation ConsolePolicyUpdate(
            $id: ID!
            $name: String!
            $body: String!
            $labels: [String!]
            $description: String
          ) {
            policyUpdate(
              id: $id
              name: $name
              body: $body
              labels: $labels
              description: $description
            ) {
              id
            }
          }
        `,
        {
          id: policy.id,
          name: name.trim(),
          body,
          labels: labels
            .split(',')
            .map((label) => label.trim())
            .filter(Boolean),
          description: description.trim() || null,
        },
      );
      // The saved policy comes back as new loader data, and the form starts again from it.
      await revalidator.revalidate();
    } catch (error) {
      if (signInAgain(error)) return;
      const refusal = saveRefusal(error);
      setErrors(refusal.compile);
      setOther(refusal.other);
      setPending(false);
    }
  };

  return (
    <article className="page" aria-labelledby="policy-title">
      <title>{`${policy.name} · Policies · Gantry`}</title>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/admin/policies">Policies</Link>
          </li>
          <li aria-current="page">{policy.name}</li>
        </ol>
      </nav>
      <h1 id="policy-title">{policy.name}</h1>
      <p className="muted">
        <code>{policy.id}</code> · {policy.type} policy in {policy.spaceDetails.name} · Rego{' '}
        {policy.engineType === 'REGO_V0' ? 'v0' : policy.engineType === 'REGO_V1' ? 'v1' : ''} ·
        changed <Time unix={policy.updatedAt} />
      </p>

      <form className="stack-form section" onSubmit={(event) => void save(event)}>
        <div className="field">
          <label htmlFor={`${ids}-name`}>Name</label>
          <input
            id={`${ids}-name`}
            value={name}
            required
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-description`}>Description</label>
          <input
            id={`${ids}-description`}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-labels`}>Labels</label>
          <input
            id={`${ids}-labels`}
            value={labels}
            aria-describedby={`${ids}-labels-hint`}
            onChange={(event) => setLabels(event.target.value)}
          />
          <p className="hint" id={`${ids}-labels-hint`}>
            Separated by commas.
          </p>
        </div>
        <PolicyEditor label="Rego" value={body} onChange={setBody} errors={errors} />
        {other && (
          <ErrorNotice title="The policy was not saved">
            <p className="pre-line">{other}</p>
          </ErrorNotice>
        )}
        <div className="action-row">
          <button type="submit" className="button button-primary" disabled={pending || !changed}>
            Save
          </button>
          {pending && (
            <span role="status" className="muted">
              Compiling and saving…
            </span>
          )}
        </div>
      </form>

      <section className="section" aria-labelledby={`${ids}-stacks`}>
        <h2 id={`${ids}-stacks`}>Attached to</h2>
        {policy.attachedStacks.length === 0 ? (
          <Empty>No stacks: attach it with policyAttach to have it decide for a stack.</Empty>
        ) : (
          <ul className="plain-list">
            {policy.attachedStacks.map((attachment) => (
              <li key={attachment.id}>
                <Link to={`/stack/${encodeURIComponent(attachment.stackId)}`}>
                  {attachment.stackName}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </article>
  );
}
