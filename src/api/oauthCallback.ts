import escapeHtml from 'escape-html';
import express, { type Router } from 'express';

/**
 * GET /oauth/gitlab/callback: where GitLab sends a person back after they sign in. The page
 * shows the code and state for the client that called oauthRedirect to finish with oauthToken;
 * Gantry keeps nothing of the sign-in itself.
 */
export function oauthCallbackRouter(): Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const value = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    const [code, state, error] = [value('code'), value('state'), value('error')];
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    if (error || !code || !state) {
      const reason = value('error_description') || error || 'GitLab sent no code';
      res
        .status(400)
        .type('html')
        .send(
          page(
            'Signing in with GitLab did not finish',
            `<p>${escapeHtml(reason)}.</p><p>Start again with the <code>oauthRedirect</code> mutation.</p>`,
          ),
        );
      return;
    }
    res
      .type('html')
      .send(
        page(
          'Signed in with GitLab',
          '<p>To finish, pass these with the temporary token from <code>oauthRedirect</code> to the ' +
            '<code>oauthToken</code> mutation, then the token it returns to <code>oauthUser</code>.</p>' +
            `<dl><dt>code</dt><dd><code>${escapeHtml(code)}</code></dd>` +
            `<dt>state</dt><dd><code>${escapeHtml(state)}</code></dd></dl>`,
        ),
      );
  });
  return router;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Gantry</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}code{word-break:break-all}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}
