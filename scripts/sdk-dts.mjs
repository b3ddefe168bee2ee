// Writes public/callstats.d.ts from the SDK's JSDoc: TypeScript (from
// sdk/node_modules) emits declarations for sdk/src/callstats.js (the class)
// and sdk/src/types.js (the typedefs), in memory; they are then put in the
// shape applications have used since the file was written by hand:
//
//   export = callstats; export as namespace callstats;
//   declare class callstats { ... }          the API, statics included
//   declare namespace callstats { ... }      the types, as callstats.UserID
//
// References to types.js become `callstats.X`; any other reference to an
// SDK module is an error, as is a declaration that fails to compile. Object
// typedefs become interfaces, as they were, so applications may extend them.
//
// scripts/build-sdk.mjs writes public/callstats.d.ts through declarations().

import { createRequire } from 'node:module';
import * as path from 'node:path';

/** The module of the public types, as the class's declarations import it. */
const TYPES_MODULE = './types.js';

const HEADER = `// Type declarations for callstats.js (callscope): the callstats.js API.
// Global \`callstats\` with <script src="/callstats.js">; \`require('callstats.js')\`;
// or \`import callstats from '/callstats.mjs'\`. Uses the DOM library's WebRTC types.
//
// Generated from the JSDoc of sdk/src (callstats.js, types.js) by
// scripts/build-sdk.mjs: edit those, not this file.
`;

class DeclarationError extends Error {}

/**
 * The text of callstats.d.ts for the SDK in `sdkDir` (the directory of
 * sdk/package.json). Throws when the declarations cannot take that shape.
 * @param {string} sdkDir
 * @returns {Promise<string>}
 */
export async function declarations(sdkDir) {
  const ts = createRequire(path.join(sdkDir, 'package.json'))('typescript');
  const emitted = emitDeclarations(ts, sdkDir);
  const classFile = parse(ts, 'declarations of src/callstats.js', emitted.callstats);
  const typesFile = parse(ts, 'declarations of src/types.js', emitted.types);

  const text = [
    HEADER,
    'export = callstats;',
    'export as namespace callstats;',
    '',
    classDeclaration(ts, classFile),
    '',
    'declare namespace callstats {',
    indent(typeDeclarations(ts, typesFile)),
    '}',
    '',
  ].join('\n');
  checkCompiles(ts, text);
  return text;
}

/** TypeScript's declarations of src/callstats.js and src/types.js, under sdk/tsconfig.json's options. */
function emitDeclarations(ts, sdkDir) {
  const configPath = path.join(sdkDir, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new DeclarationError(diagnosticText(ts, [config.error]));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, sdkDir);
  const options = { ...parsed.options, noEmit: false, declaration: true, emitDeclarationOnly: true };
  const sources = {
    callstats: path.join(sdkDir, 'src', 'callstats.js'),
    types: path.join(sdkDir, 'src', 'types.js'),
  };
  const program = ts.createProgram(Object.values(sources), options);

  const out = {};
  for (const [name, file] of Object.entries(sources)) {
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) throw new DeclarationError(`${file}: not found`);
    const problems = [...program.getSyntacticDiagnostics(sourceFile), ...program.getDeclarationDiagnostics(sourceFile)];
    if (problems.length) throw new DeclarationError(diagnosticText(ts, problems));
    let text;
    const result = program.emit(sourceFile, (_, data) => { text = data; }, undefined, true);
    if (result.emitSkipped || text === undefined) {
      throw new DeclarationError(`no declarations emitted for ${file}\n${diagnosticText(ts, result.diagnostics)}`);
    }
    out[name] = text;
  }
  return out;
}

function parse(ts, name, text) {
  return ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/**
 * `declare class callstats {...}` from the class's declarations: the names
 * it imports from types.js become callstats.X; it may import nothing else.
 */
function classDeclaration(ts, file) {
  const fromTypes = new Set();
  let found;
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      for (const name of importedTypeNames(ts, file, statement)) fromTypes.add(name);
    } else if (ts.isClassDeclaration(statement) && statement.name?.text === 'callstats' && !found) {
      found = statement;
    } else {
      unexpected(file, statement, 'only the class callstats and imports of types.js may be declared here');
    }
  }
  if (!found) throw new DeclarationError(`${file.fileName}: no class callstats in the declarations`);

  const edits = [];
  const exportKeyword = found.modifiers?.find((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
  if (!exportKeyword) unexpected(file, found, 'the class is not exported');
  edits.push({ start: exportKeyword.getStart(file), end: exportKeyword.end, text: 'declare' });
  visitNodes(ts, found, (node) => {
    if (ts.isImportTypeNode(node)) {
      checkImportType(ts, file, node);
      edits.push({ start: node.getStart(file), end: node.qualifier.getStart(file), text: 'callstats.' });
    } else if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && fromTypes.has(node.typeName.text)) {
      edits.push({ start: node.typeName.getStart(file), end: node.typeName.end, text: `callstats.${node.typeName.text}` });
    }
  });
  return withDoc(ts, file, found, edits);
}

/** The names an `import type { ... } from './types.js'` brings in; any other import is an error. */
function importedTypeNames(ts, file, statement) {
  const clause = statement.importClause;
  const named = clause?.namedBindings;
  if (statement.moduleSpecifier.text !== TYPES_MODULE || !clause?.isTypeOnly || clause.name || !named || !ts.isNamedImports(named)) {
    unexpected(file, statement, `declarations may only import types from ${TYPES_MODULE}`);
  }
  return named.elements.map((element) => {
    if (element.propertyName) unexpected(file, statement, 'types.js names are not renamed');
    return element.name.text;
  });
}

/** `import("./types.js").X` (which becomes callstats.X) is the only import type allowed. */
function checkImportType(ts, file, node) {
  const argument = node.argument;
  const specifier = ts.isLiteralTypeNode(argument) && ts.isStringLiteral(argument.literal) ? argument.literal.text : undefined;
  if (specifier !== TYPES_MODULE || !node.qualifier || node.isTypeOf) {
    unexpected(file, node, `a type of an SDK module other than ${TYPES_MODULE} reached the public declarations`);
  }
}

/**
 * The typedefs as declarations of the namespace: `export` dropped (an
 * ambient namespace exports all it declares), object types as interfaces.
 */
function typeDeclarations(ts, file) {
  const parts = [];
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause
      && ts.isNamedExports(statement.exportClause) && statement.exportClause.elements.length === 0) {
      continue; // `export {};`, which made types.js a module
    }
    if (!ts.isTypeAliasDeclaration(statement)) {
      unexpected(file, statement, 'types.js may declare only typedefs');
    }
    visitNodes(ts, statement, (node) => {
      if (ts.isImportTypeNode(node)) unexpected(file, node, 'types.js may not refer to other SDK modules');
    });
    const head = { start: statement.getStart(file), end: statement.name.getStart(file), text: 'type ' };
    const edits = [head];
    if (ts.isTypeLiteralNode(statement.type) && !statement.typeParameters) {
      // `type X = {...};` as `interface X {...}`
      Object.assign(head, { end: statement.type.getStart(file), text: `interface ${statement.name.text} ` });
      edits.push({ start: statement.type.end, end: statement.end, text: '' });
    }
    parts.push(withDoc(ts, file, statement, edits));
  }
  return parts.join('\n');
}

/** Calls `visit` on every node under `root`. */
function visitNodes(ts, root, visit) {
  const walk = (node) => {
    visit(node);
    ts.forEachChild(node, walk);
  };
  ts.forEachChild(root, walk);
}

/** The text of `node` with `edits` applied, after its doc comment (the last /** comment before it). */
function withDoc(ts, file, node, edits) {
  const text = file.getFullText();
  const start = node.getStart(file);
  let body = '';
  let at = start;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    if (edit.start < at) throw new DeclarationError(`${file.fileName}: overlapping rewrites`);
    body += text.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  body += text.slice(at, node.end);
  const docs = (ts.getLeadingCommentRanges(text, node.pos) ?? [])
    .filter((range) => text.startsWith('/**', range.pos));
  const doc = docs.length ? `${text.slice(docs.at(-1).pos, docs.at(-1).end)}\n` : '';
  return doc + body;
}

function indent(text) {
  return text.split('\n').map((line) => (line ? `    ${line}` : line)).join('\n');
}

function unexpected(file, node, why) {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  const excerpt = node.getText(file).split('\n')[0].slice(0, 120);
  throw new DeclarationError(`${file.fileName}:${line + 1}: ${why}: ${excerpt}`);
}

/** The assembled file must compile on its own, with the DOM library only. */
function checkCompiles(ts, text) {
  const name = '/callstats.d.ts';
  const options = { strict: true, noEmit: true, types: [], lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'], target: ts.ScriptTarget.ES2020 };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile;
  host.getSourceFile = ((getSourceFile) => (fileName, languageVersion, ...rest) => (fileName === name
    ? ts.createSourceFile(fileName, text, languageVersion, true)
    : getSourceFile(fileName, languageVersion, ...rest)))(host.getSourceFile);
  host.fileExists = ((fileExists) => (fileName) => fileName === name || fileExists(fileName))(host.fileExists);
  host.readFile = (fileName) => (fileName === name ? text : readFile(fileName));
  const program = ts.createProgram([name], options, host);
  const problems = ts.getPreEmitDiagnostics(program);
  if (problems.length) throw new DeclarationError(`the generated callstats.d.ts does not compile:\n${diagnosticText(ts, problems)}`);
}

function diagnosticText(ts, diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (name) => name,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => '\n',
  });
}
