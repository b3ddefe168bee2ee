#!/usr/bin/env node
// Builds callstats.js, the SDK, from its ES modules under sdk/src:
//
//   node scripts/build-sdk.mjs --write    writes the drop-in files public/callstats.js (a classic script:
//                                         global, CommonJS or AMD), public/callstats.mjs (an ES module)
//                                         and public/callstats.d.ts (from the sources' JSDoc)
//   node scripts/build-sdk.mjs --check    fails unless those three are what the sources build
//   node scripts/build-sdk.mjs OUT_DIR    writes OUT_DIR/callstats-<VERSION>.min.js and its source map
//   node scripts/build-sdk.mjs --version  prints VERSION (sdk/src/version.js)
//
// Every build is loaded before it is written: the scripts as a plain
// <script>, under CommonJS and under AMD; the module by import. esbuild and
// TypeScript come from sdk/node_modules (`npm ci` in sdk; `make tools` does it).

import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as vm from 'node:vm';

import { declarations } from './sdk-dts.mjs';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SDK_DIR = path.join(REPO_ROOT, 'sdk');
const PUBLIC_DIR = path.join(REPO_ROOT, 'public');
const VERSION_MODULE = path.join(SDK_DIR, 'src', 'version.js');
/** The SDK is ES2020 for the browsers it supports; esbuild lowers anything newer in the sources. */
const TARGET = 'es2020';

/** The comment every build opens with (the minifier keeps it). */
function header(version) {
  return `/*!
 * callstats.js ${version} for callscope: the callstats.js API, monitoring WebRTC calls and
 * reporting them to a self-hosted callscope collector.
 * Built from sdk/src by scripts/build-sdk.mjs: do not edit; change sdk/src, then run \`make sdk\`.
 */`;
}

function fail(message) {
  console.error(`build-sdk: ${message}`);
  process.exit(1);
}

/** The SDK's VERSION, checked to be usable in a file name and a URL path. */
function sdkVersion() {
  const found = readFileSync(VERSION_MODULE, 'utf8').match(/^export const VERSION = '([^'\\\n]*)';$/m);
  if (!found) fail(`no "export const VERSION = '...';" line found in ${VERSION_MODULE}`);
  const version = found[1];
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(version)) {
    fail(`VERSION '${version}' in ${VERSION_MODULE} is not of the form 1.2.3 or 1.2.3-pre.1 (it names a file and a URL)`);
  }
  return version;
}

function loadEsbuild() {
  try {
    return createRequire(path.join(SDK_DIR, 'package.json'))('esbuild');
  } catch (error) {
    return fail(`cannot load esbuild from sdk/node_modules (${error.message.split('\n')[0]}); `
      + 'run `npm ci` in sdk (or `make tools`) first');
  }
}

/** One esbuild bundle of `entry` (index.js or module.js); its output files by extension. */
async function bundle(esbuild, entry, options) {
  const result = await esbuild.build({
    entryPoints: [path.join(SDK_DIR, 'src', entry)],
    bundle: true,
    write: false,
    target: TARGET,
    legalComments: 'inline',
    logLevel: 'silent',
    // index.js hands the SDK to a CommonJS loader's `module` when there is one.
    logOverride: { 'commonjs-variable-in-esm': 'silent' },
    ...options,
  }).catch((error) => fail(`esbuild failed on ${entry}: ${error.message}`));
  for (const warning of result.warnings) console.warn(`build-sdk: esbuild warning: ${warning.text}`);
  const files = {};
  for (const file of result.outputFiles) files[path.extname(file.path)] = file.text;
  return files;
}

/** The drop-in files, by name: what public/ must hold. */
async function dropInFiles(esbuild, version) {
  const script = await bundle(esbuild, 'index.js', { format: 'iife', banner: { js: header(version) }, outfile: 'callstats.js' });
  const module = await bundle(esbuild, 'module.js', { format: 'esm', banner: { js: header(version) }, outfile: 'callstats.mjs' });
  return {
    'callstats.js': script['.js'],
    'callstats.mjs': module['.mjs'] ?? module['.js'],
    'callstats.d.ts': await declarations(SDK_DIR).catch((error) => fail(`callstats.d.ts: ${error.message}`)),
  };
}

/** The minified script and its source map, whose sources are named by their path in the repository. */
async function minified(esbuild, version, outDir, minName) {
  const files = await bundle(esbuild, 'index.js', {
    format: 'iife',
    banner: { js: header(version) },
    minify: true,
    sourcemap: 'linked',
    sourcesContent: true,
    outfile: path.join(outDir, minName),
  });
  const map = JSON.parse(files['.map']);
  map.sources = map.sources.map((source) => path.relative(REPO_ROOT, path.resolve(outDir, source)));
  if (!map.sources.every((source) => source.startsWith(`sdk${path.sep}src${path.sep}`))) {
    fail(`the source map names files outside sdk/src: ${JSON.stringify(map.sources)}`);
  }
  return { code: files['.js'], map: `${JSON.stringify(map)}\n` };
}

/** What a page offers that the SDK uses as it loads, beside the language's own globals. */
const HOST_GLOBALS = { TextEncoder, TextDecoder, URL, console };

/** Runs `code` as a script in a fresh context with `globals`; returns that context. */
function runScript(code, filename, globals) {
  const context = vm.createContext({ ...HOST_GLOBALS, ...globals });
  vm.runInContext(code, context, { filename });
  return context;
}

/** The problem with `sdk` as the SDK of `version`, or null. */
function notTheSdk(sdk, version) {
  if (typeof sdk === 'function' && sdk.version === version && typeof sdk.prototype.initialize === 'function') return null;
  return `got ${typeof sdk === 'function' ? `a function with version ${sdk.version}` : typeof sdk}`;
}

/** Loads a built script as a plain script, as CommonJS and under AMD; each must give the SDK. */
function checkScript(code, filename, version) {
  const problems = [];
  const check = (how, sdk) => {
    const problem = notTheSdk(sdk, version);
    if (problem) problems.push(`${how}: ${problem}`);
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
    // The only global a page gains is callstats: no helper of the bundler lands on window.
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

/** Imports the built module: its default and named export must be the SDK, and it sets no global. */
async function checkModule(code, version) {
  const dir = mkdtempSync(path.join(tmpdir(), 'callstats-mjs-'));
  try {
    const file = path.join(dir, 'callstats.mjs');
    writeFileSync(file, code);
    const module = await import(pathToFileURL(file).href);
    const problem = notTheSdk(module.default, version)
      ?? (module.callstats === module.default ? null : 'the named export callstats is not the default export')
      ?? ('callstats' in globalThis ? 'it set the global callstats' : null);
    if (problem) fail(`callstats.mjs does not load as the SDK: ${problem}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes through a temporary file, so a failed run leaves no half-written output. */
function writeAtomically(file, text) {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function readOrNull(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

async function main(args) {
  const version = sdkVersion();
  if (args.length === 1 && args[0] === '--version') {
    console.log(version);
    return;
  }
  if (args.length !== 1 || (args[0].startsWith('-') && args[0] !== '--write' && args[0] !== '--check')) {
    fail('usage: node scripts/build-sdk.mjs --write | --check | OUT_DIR | --version');
  }
  const esbuild = loadEsbuild();

  if (args[0] === '--write' || args[0] === '--check') {
    const files = await dropInFiles(esbuild, version);
    checkScript(files['callstats.js'], 'callstats.js', version);
    await checkModule(files['callstats.mjs'], version);
    if (args[0] === '--check') {
      const stale = Object.keys(files).filter((name) => readOrNull(path.join(PUBLIC_DIR, name)) !== files[name]);
      if (stale.length) {
        fail(`public/${stale.join(', public/')} ${stale.length === 1 ? 'is' : 'are'} not what sdk/src builds: `
          + 'run `make sdk` and commit the result');
      }
      console.log(`build-sdk: public/${Object.keys(files).join(', public/')} are current (callstats.js ${version})`);
      return;
    }
    for (const [name, text] of Object.entries(files)) writeAtomically(path.join(PUBLIC_DIR, name), text);
    console.log(`build-sdk: callstats.js ${version} (esbuild ${esbuild.version}) written to public/: `
      + Object.entries(files).map(([name, text]) => `${name} (${Buffer.byteLength(text)} bytes)`).join(', '));
    return;
  }

  const outDir = path.resolve(args[0]);
  const minName = `callstats-${version}.min.js`;
  const { code, map } = await minified(esbuild, version, outDir, minName);
  checkScript(code, minName, version);
  mkdirSync(outDir, { recursive: true });
  const minPath = path.join(outDir, minName);
  writeAtomically(`${minPath}.map`, map);
  writeAtomically(minPath, code);
  console.log(`build-sdk: ${minPath} (${Buffer.byteLength(code)} bytes) and its map (${Buffer.byteLength(map)} bytes)`);
}

await main(process.argv.slice(2));
