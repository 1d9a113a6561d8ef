import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Where `npm run dev:console` sends the API: a Gantry started with `npm start`.
const gantry = process.env.GANTRY_URL ?? 'http://localhost:3000';

/**
 * The console's build: one HTML page and hashed assets in dist/console, which Gantry serves
 * at / and /assets. JSX is compiled for React's automatic runtime (tsconfig.json's jsx).
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  build: {
    outDir: here('../../../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      // React Router marks its modules "use client" for server components; a browser-only
      // bundle has no use for the mark, and dropping it is what is wanted.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/graphql': gantry,
      '/console': gantry,
      '/oauth': gantry,
    },
  },
});
