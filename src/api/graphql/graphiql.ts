import path from 'node:path';
import express, { type Router } from 'express';

// Ready-made browser builds: GraphiQL's UMD bundle expects React and ReactDOM as globals,
// and React 18 is the last React that ships UMD files.
const ASSET_FILES = new Map([
  ['react.production.min.js', packageFile('react', 'umd/react.production.min.js')],
  ['react-dom.production.min.js', packageFile('react-dom', 'umd/react-dom.production.min.js')],
  ['graphiql.min.js', packageFile('graphiql', 'graphiql.min.js')],
  ['graphiql.min.css', packageFile('graphiql', 'graphiql.min.css')],
]);

// A served file rather than an inline script, so the page's script-src can stay 'self'.
// The headers tab starts open and empty, ready for {"Authorization": "Bearer <token>"}: a
// placeholder token would turn away anonymous queries. shouldPersistHeaders stays off, so tokens
// stay out of localStorage. A `query` in the page's URL (the link to a run) fills the editor.
const BOOT_SCRIPT = `ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: location.pathname }),
    query: new URLSearchParams(location.search).get('query') || undefined,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
  }),
);
`;

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL's dialogs lock scrolling by injecting a <style> element (react-remove-scroll);
  // the page's own two layout rules are inline too.
  "style-src 'self' 'unsafe-inline'",
  // GraphiQL's stylesheet embeds its fonts and a few images as data: URLs.
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * GraphiQL for people at GET /graphql, with every script, stylesheet and font served by
 * Gantry itself from node_modules. Everything else, the API's POST included, goes on.
 */
export function graphiqlRouter(): Router {
  const router = express.Router();

  // GraphQL clients may query with GET too; they ask for JSON, browsers and curl do not.
  router.get('/', (req, res, next) => {
    if (
      req.accepts(['text/html', 'application/graphql-response+json', 'application/json']) !==
      'text/html'
    ) {
      next();
      return;
    }
    res
      .set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .type('html')
      .send(page(req.baseUrl));
  });

  router.get('/assets/graphiql-boot.js', (_req, res) => {
    res.type('text/javascript').send(BOOT_SCRIPT);
  });

  router.get('/assets/:name', (req, res, next) => {
    const file = ASSET_FILES.get(req.params.name);
    if (!file) {
      next();
      return;
    }
    res.sendFile(file);
  });

  return router;
}

function page(mountPath: string): string {
  const assets = `${escapeHtml(mountPath)}/assets`;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Gantry GraphiQL</title>
    <link rel="stylesheet" href="${assets}/graphiql.min.css" />
    <style>
      body { margin: 0; overflow: hidden; }
      #graphiql { height: 100vh; }
    </style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="${assets}/react.production.min.js"></script>
    <script src="${assets}/react-dom.production.min.js"></script>
    <script src="${assets}/graphiql.min.js"></script>
    <script src="${assets}/graphiql-boot.js"></script>
  </body>
</html>
`;
}

function packageFile(packageName: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), file);
}

// The mount path comes from the request line, so it is escaped like any other input.
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
