import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { messageOf } from '../api/graphql';
import { ErrorNotice } from './Notice';

/** What a page shows when loading it failed: Gantry's reason, and ways on. */
export function RouteError() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : messageOf(error);
  return (
    <section className="page" aria-labelledby="error-title">
      <title>Something went wrong · Gantry</title>
      <h1 id="error-title">This page could not be shown</h1>
      <ErrorNotice>
        <p className="pre-line">{message}</p>
      </ErrorNotice>
      <p>
        Reload the page to try again, or go back to <Link to="/">the stacks</Link>.
      </p>
    </section>
  );
}

/** A page the console does not have. */
export function NotFound() {
  return (
    <section className="page" aria-labelledby="not-found-title">
      <title>No such page · Gantry</title>
      <h1 id="not-found-title">No such page</h1>
      <p>
        Nothing is at this address. The stacks are at <Link to="/">the start page</Link>.
      </p>
    </section>
  );
}
