#!/usr/bin/env node
'use strict';

// Checked before anything else loads, so an old Node fails with a sentence, not a syntax error.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `gantry: this is Node.js ${process.versions.node}; Gantry needs Node.js 22 or newer ` +
      '(24 LTS recommended). Install a newer Node.js and run the command again.',
  );
  process.exit(1);
}

require('tsx/cjs');
require('../src/cli').main(process.argv.slice(2));
