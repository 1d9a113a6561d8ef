import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  // Every noun declares its own tables; the migrations cover them all.
  schema: './src/*/tables.ts',
  out: './src/db/migrations',
});
