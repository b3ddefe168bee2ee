import { readFileSync } from 'node:fs';
export async function declarations() { return readFileSync(new URL('../public/callstats.d.ts', import.meta.url), 'utf8'); }
