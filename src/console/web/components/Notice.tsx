import type { ReactNode } from 'react';

/** Why something failed and what to do, announced as it appears. */
export function ErrorNotice({ children, title }: { children: ReactNode; title?: string }) {
  return (
    <div className="notice notice-error" role="alert">
      {title && <p className="notice-title">{title}</p>}
      <div className="notice-body">{children}</div>
    </div>
  );
}

/** Why a button's action failed, as Gantry said it (see useAction). */
export function ActionFailed({ error }: { error: { action: string; message: string } }) {
  return (
    <ErrorNotice title={`${error.action} did not go through`}>
      <p className="pre-line">{error.message}</p>
    </ErrorNotice>
  );
}

/** A message that wants no answer: an empty list, a section with nothing yet. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A placeholder while something loads, marked busy for assistive technology. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" aria-busy="true" role="status">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}
