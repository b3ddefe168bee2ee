#!/usr/bin/env node
// Builds the versioned, minified SDK that callscope serves beside the
// drop-in /callstats.js:
//
//   node scripts/build-sdk.mjs OUT_DIR   writes OUT_DIR/callstats-<VERSION>.min.js
//                                        and OUT_DIR/callstats-<VERSION>.min.js.map
//   node scripts/build-sdk.mjs --version prints VERSION (read from public/callstats.js)
//
// VERSION is the `const VERSION = '...'` of public/callstats.js. The file is
// minified with esbuild's transform (no bundling, no format): its UMD wrapper
// is kept as written, so the output still sets the global `callstats` under
// a plain <script>, `module.exports` under CommonJS and define('callstats')
// under an AMD loader. Each of the three is checked on the output before
// this script reports success. esbuild comes from end2end/node_modules
// (`npm ci` in end2end; `make test-tools` does it).

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(REPO_ROOT, 'public', 'callstats.js');
/** The name the source map gives the original: /callstats.js, beside the min file. */
const SOURCE_NAME = 'callstats.js';
/** The SDK is plain ES2020; the minifier must not bring in newer syntax. */
const TARGET = 'es2020';

function fail(message) {
  console.error(`build-sdk: ${message}`);
  process.exit(1);
}

/** The SDK's VERSION constant, checked to be usable in a file name and a URL path. */
function sdkVersion(source) {
  const found = source.match(/^\s*const VERSION = '([^'\\\n]*)';/m);
  if (!found) fail(`no "const VERSION = '...';" line found in ${SOURCE}`);
  const version = found[1];
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) {
    fail(`VERSION '${version}' in ${SOURCE} is not of the form 1.2.3 or 1.2.3-pre.1 (it names a file and a URL)`);
  }
  return version;
}

function loadEsbuild() {
  const require = createRequire(path.join(REPO_ROOT, 'end2end', 'package.json'));
  try {
    return require('esbuild');
  } catch (error) {
    fail(`cannot load esbuild from end2end/node_modules (${error.message.split('\n')[0]}); ` +
      'run `npm ci` in end2end (or `make test-tools`) first');
  }
}

/** What a page offers that the SDK uses as it loads, beside the language's own globals. */
const HOST_GLOBALS = { TextEncoder, TextDecoder, URL, console };

/** Runs `code` as a script in a fresh context with `globals`; returns that context. */
function runScript(code, filename, globals) {
  const context = vm.createContext({ ...HOST_GLOBALS, ...globals });
  vm.runInContext(code, context, { filename });
  return context;
}

/** Loads the built SDK as a plain script, as CommonJS and under AMD; each must give the SDK. */
function checkUmd(code, filename, version) {
  const problems = [];
  const check = (how, sdk) => {
    if (typeof sdk !== 'function' || sdk.version !== version || typeof sdk.prototype.initialize !== 'function') {
      problems.push(`${how}: got ${typeof sdk === 'function' ? `a function with version ${sdk.version}` : typeof sdk}`);
    }
  };

  const attempt = (how, run) => {
    try {
      run();
    } catch (error) {
      problems.push(`${how}: ${error && error.stack ? error.stack : error}`);
    }
  };

  attempt('plain <script>', () => {
    const script = runScript(code, filename, {});
    check('plain <script> (global callstats)', script.callstats);
    // The only global a page gains is callstats: no helper of the minifier
    // (keepNames would add two) lands on window.
    const added = Object.keys(script).filter((name) => !(name in HOST_GLOBALS) && name !== 'callstats');
    if (added.length) problems.push(`plain <script>: globals besides callstats were set: ${added.join(', ')}`);
  });

  attempt('CommonJS', () => {
    const module = { exports: {} };
    const cjs = runScript(code, filename, { module, exports: module.exports });
    check('CommonJS (module.exports)', module.exports);
    if ('callstats' in cjs) problems.push('CommonJS: the global callstats was set too');
  });

  attempt('AMD', () => {
    const defined = [];
    const define = (...args) => { defined.push(args); };
    define.amd = {};
    const amd = runScript(code, filename, { define });
    if (defined.length !== 1 || defined[0][0] !== 'callstats' || typeof defined[0][2] !== 'function') {
      problems.push(`AMD: expected one define('callstats', [], factory), got ${defined.length} define() calls`);
    } else {
      check('AMD (define)', defined[0][2]());
    }
    check('AMD (global callstats beside define)', amd.callstats);
  });

  if (problems.length) fail(`${filename} does not load as the SDK:\n  ${problems.join('\n  ')}`);
}

/** Writes through a temporary file, so a failed run leaves no half-written output. */
function writeAtomically(file, text) {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

async function main(args) {
  const source = readFileSync(SOURCE, 'utf8');
  const version = sdkVersion(source);

  if (args.length === 1 && args[0] === '--version') {
    console.log(version);
    return;
  }
  if (args.length !== 1 || args[0].startsWith('-')) {
    fail('usage: node scripts/build-sdk.mjs OUT_DIR | --version');
  }
  const outDir = path.resolve(args[0]);

  const esbuild = loadEsbuild();
  const minName = `callstats-${version}.min.js`;
  const mapName = `${minName}.map`;
  const result = await esbuild.transform(source, {
    // No `format`: the file is a script whose own UMD wrapper decides how it
    // exports the SDK; esbuild neither wraps it nor rewrites the top-level `this`.
    loader: 'js',
    minify: true,
    target: TARGET,
    sourcemap: 'external',
    sourcefile: SOURCE_NAME,
    sourcesContent: true,
    legalComments: 'inline',
    logLevel: 'silent',
  }).catch((error) => fail(`esbuild failed: ${error.message}`));
  for (const warning of result.warnings) {
    console.warn(`build-sdk: esbuild warning: ${warning.text}`);
  }

  const code = `${result.code.replace(/\n+$/, '')}\n//# sourceMappingURL=${mapName}\n`;
  const map = JSON.parse(result.map);
  if (!map.sources?.includes(SOURCE_NAME) || map.sourcesContent?.[0] !== source) {
    fail(`the source map does not name ${SOURCE_NAME} with its content (sources: ${JSON.stringify(map.sources)})`);
  }
  map.file = minName;
  checkUmd(code, minName, version);

  mkdirSync(outDir, { recursive: true });
  const minPath = path.join(outDir, minName);
  const mapPath = path.join(outDir, mapName);
  writeAtomically(mapPath, `${JSON.stringify(map)}\n`);
  writeAtomically(minPath, code);

  const bytes = (file) => readFileSync(file).length;
  console.log(`build-sdk: callstats.js ${version} (${bytes(SOURCE)} bytes), esbuild ${esbuild.version}`);
  console.log(`  ${minPath} (${bytes(minPath)} bytes)`);
  console.log(`  ${mapPath} (${bytes(mapPath)} bytes)`);
}

await main(process.argv.slice(2));
