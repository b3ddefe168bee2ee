// types.js: the public types of the callstats.js API, in JSDoc. They exist
// only for tsc: nothing of them runs, and every one reaches callstats.d.ts
// (the typings' own test, test/types/usage.ts, compiles an application
// against that file).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import test from 'node:test';

import { declarations } from '../../scripts/sdk-dts.mjs';
import * as types from '../src/types.js';

const sdkDir = new URL('..', import.meta.url).pathname;

test('types.js holds types only: nothing of it runs', () => {
  assert.deepEqual(Object.keys(types), []);
});

test('every typedef of types.js is declared in the callstats namespace of callstats.d.ts', async () => {
  const source = readFileSync(new URL('../src/types.js', import.meta.url), 'utf8');
  const typedefs = source.match(/@typedef\b/g).length;
  const dts = await declarations(sdkDir);
  const namespace = dts.slice(dts.indexOf('declare namespace callstats {'));
  const declared = Array.from(namespace.matchAll(/^ {4}(?:type|interface) (\w+)/gm), (match) => match[1]);
  assert.equal(declared.length, typedefs, `one declaration per typedef, got ${declared.join(', ')}`);
  for (const name of declared) assert.match(source, new RegExp(`\\}\\s+${name}\\b`), `${name} is a typedef of types.js`);
});
