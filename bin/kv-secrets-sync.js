#!/usr/bin/env node
// kv-secrets-sync: the operator CLI (source in cli/, TypeScript).
//
// This shim registers tsx's CommonJS loader for this one require and runs cli/main.ts, so `npx kv-secrets-sync`
// and `npm run cli` work straight after `npm ci`, with no build step whose output could go stale against the
// catalogue code it shares with synth. tsx is the project's TypeScript runner already (synth, schema).
'use strict';

const path = require('node:path');

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`kv-secrets-sync: Node ${process.versions.node} is too old; use Node 22.12 or newer (see .nvmrc)\n`);
  process.exit(2);
}

let tsx;
try {
  tsx = require('tsx/cjs/api');
} catch {
  process.stderr.write('kv-secrets-sync: tsx is not installed; run `npm ci` in the repository (dev dependencies included)\n');
  process.exit(2);
}

const main = tsx.require(path.join(__dirname, '..', 'cli', 'main.ts'), __filename);
main.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`kv-secrets-sync: ${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 2;
  },
);
