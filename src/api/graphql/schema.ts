import fs from 'node:fs';
import path from 'node:path';

/** The SDL of the API, read from the file that is its source of truth. */
export const typeDefs = fs.readFileSync(path.join(__dirname, 'schema.graphql'), 'utf8');
