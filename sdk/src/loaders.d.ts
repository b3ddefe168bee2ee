// What index.js hands the SDK to, beside the page's global `callstats`:
// CommonJS's `module` and an AMD loader's `define`. Each may be absent,
// which index.js checks before use.

declare var module: { exports?: unknown } | undefined;
declare var define: (((name: string, dependencies: string[], factory: () => unknown) => void) & { amd?: unknown }) | undefined;
declare var callstats: unknown;
