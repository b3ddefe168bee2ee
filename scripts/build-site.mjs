// Lays out the site the server serves (`make site`):
//
//   node scripts/build-site.mjs STAGE SITE
//
// STAGE holds wasm-bindgen's output (callscope.js, callscope_bg.wasm),
// callscope.css and the versioned, minified SDK (callstats-<version>.min.js
// and its map, from scripts/build-sdk.mjs). Into SITE/pkg go the first three
// under content-hashed names, so that they can be cached for a year;
// SITE/assets.json tells the server their names. public/ is copied to SITE
// as it is (the SDK keeps its drop-in URLs), the versioned SDK beside it. Every text file and the wasm get a brotli (.br) and a
// gzip (.gz) copy beside them, served by negotiation.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [stage, site] = process.argv.slice(2);
if (!stage || !site) {
  console.error('usage: node scripts/build-site.mjs STAGE SITE');
  process.exit(2);
}
const root = new URL('..', import.meta.url).pathname;

// Worth compressing: text and wasm. Images other than SVG are compressed already.
const COMPRESSED = new Set(['.js', '.mjs', '.wasm', '.css', '.svg', '.html', '.ts', '.map', '.json']);
// A copy is kept only when it saves at least this share of the file.
const WORTH = 0.9;

/** `name.<hash>.ext`: the first 16 hex digits of the content's SHA-256. */
function hashed(file) {
  const hash = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  const ext = extname(file);
  return `${basename(file, ext)}.${hash}${ext}`;
}

function compress(file) {
  const body = readFileSync(file);
  const variants = {
    br: brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    gz: gzipSync(body, { level: 9 }),
  };
  for (const [ext, packed] of Object.entries(variants)) {
    if (packed.length < body.length * WORTH) writeFileSync(`${file}.${ext}`, packed);
  }
}

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

rmSync(site, { recursive: true, force: true });
mkdirSync(join(site, 'pkg'), { recursive: true });
cpSync(join(root, 'public'), site, { recursive: true });

const assets = {};
for (const [key, name] of [
  ['js', 'callscope.js'],
  ['wasm', 'callscope_bg.wasm'],
  ['css', 'callscope.css'],
]) {
  const target = hashed(join(stage, name));
  cpSync(join(stage, name), join(site, 'pkg', target));
  assets[key] = `/pkg/${target}`;
}
for (const name of readdirSync(stage).filter((name) => /^callstats-.+\.min\.js(\.map)?$/.test(name))) {
  cpSync(join(stage, name), join(site, name));
}
// The demo call's page borrows the dashboard's stylesheet.
const demoPage = join(site, 'demo', 'index.html');
writeFileSync(demoPage, readFileSync(demoPage, 'utf8').replaceAll('/pkg/callscope.css', assets.css));
writeFileSync(join(site, 'assets.json'), `${JSON.stringify(assets, null, 2)}\n`);

for (const file of [...files(site)]) {
  if (COMPRESSED.has(extname(file)) && relative(site, file) !== 'assets.json') compress(file);
}
for (const [key, path] of Object.entries(assets)) {
  const file = join(site, path);
  const size = (ext) => {
    try {
      return statSync(`${file}${ext}`).size;
    } catch {
      return '–';
    }
  };
  console.log(`${key}: ${path}  ${size('')} bytes, br ${size('.br')}, gzip ${size('.gz')}`);
}
