// Every module of sdk/src is imported by name by at least one test file,
// so a new module cannot arrive without tests of its own.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';

const testDir = path.dirname(fileURLToPath(import.meta.url));
const srcDir = path.join(testDir, '..', 'src');

/** Paths under `dir`, relative to it with '/' between parts, of files ending in `suffix`. */
function filesUnder(dir, suffix) {
  return readdirSync(dir, { recursive: true })
    .map((file) => String(file).split(path.sep).join('/'))
    .filter((file) => file.endsWith(suffix));
}

/** The files of sdk/src that the relative imports of `file` (in sdk/test) name. */
function importedBy(file) {
  const text = readFileSync(path.join(testDir, file), 'utf8');
  const specifiers = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  return Array.from(text.matchAll(specifiers), (match) => path.relative(srcDir, path.resolve(testDir, path.dirname(file), match[1])))
    .filter((relative) => !relative.startsWith('..'))
    .map((relative) => relative.split(path.sep).join('/'));
}

const modules = filesUnder(srcDir, '.js');
const testFiles = filesUnder(testDir, '.test.mjs');

test('the scan finds the SDK\'s modules and the test files', () => {
  assert.ok(modules.includes('callstats.js'));
  assert.ok(testFiles.includes('modules.test.mjs'));
  assert.deepEqual(importedBy('modules.test.mjs'), [], 'node: imports are not the SDK\'s');
});

test('every module of sdk/src is imported by a test file', () => {
  const imported = new Set(testFiles.flatMap(importedBy));
  const untested = modules.filter((module) => !imported.has(module));
  assert.deepEqual(untested, [], 'modules no test file imports: give each a test file <module>.test.mjs');
});
