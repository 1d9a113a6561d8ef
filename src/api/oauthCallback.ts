import escapeHtml from 'escape-html';
import express, { type Request, type Response, type Router } from 'express';
import { sendPage } from '../platform/http';

/**
 * GET /oauth/gitlab/callback: where GitLab sends a person back after they sign in. A sign-in
 * the web console started is finished by `finishConsoleSignIn` (it answers true). For any other, the page
 * shows the code and state for the client that called oauthRedirect to finish with
 * oauthToken; Gantry keeps nothing of the sign-in itself.
 */
export function oauthCallbackRouter(
  finishConsoleSignIn: (req: Request, res: Response) => Promise<boolean>,
): Router {
  const router = express.Router();
  router.get('/', async (req, res) => {
    if (await finishConsoleSignIn(req, res)) return;
    const value = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    const [code, state, error] = [value('code'), value('state'), value('error')];
    if (error || !code || !state) {
      const reason = value('error_description') || error || 'GitLab sent no code';
      sendPage(
        res,
        400,
        'Signing in with GitLab did not finish',
        `<p>${escapeHtml(reason)}.</p><p>Start again with the <code>oauthRedirect</code> mutation.</p>`,
      );
      return;
    }
    sendPage(
      res,
      200,
      'Signed in with GitLab',
      '<p>To finish, pass these with the temporary token from <code>oauthRedirect</code> to the ' +
        '<code>oauthToken</code> mutation, then the token it returns to <code>oauthUser</code>.</p>' +
        `<dl><dt>code</dt><dd><code>${escapeHtml(code)}</code></dd>` +
        `<dt>state</dt><dd><code>${escapeHtml(state)}</code></dd></dl>`,
    );
  });
  return router;
}
