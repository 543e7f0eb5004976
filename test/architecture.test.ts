/**
 * The layering of ../shared/STYLE.md, held by a test: ink/react only in src/ui, @duckdb/node-api only in
 * src/store, @clickhouse/client only in src/engine, process.* only in the edge (src/cli.ts, and src/allocator-env.ts which it imports first), and no module importing a layer above it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const sources = files(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));
const imports = (text: string): string[] => [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);

/** Lower layers may not import higher ones (cli → commands → {report, ui} → diagnose → store → parse). */
const RANK: Record<string, number> = { text: 0, parse: 0, input: 0, config: 1, store: 2, engine: 3, pipeline: 3, diagnose: 4, report: 5, ui: 5, commands: 6 };

const EDGE = ['cli.ts', 'allocator-env.ts'];

describe('architecture', () => {
  it('ink and react are imported only in src/ui', () => {
    const offenders = sources.filter((s) => !s.path.startsWith('ui/') && imports(s.text).some((i) => i === 'ink' || i === 'react' || i.startsWith('ink-')));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('@duckdb/node-api is imported only in src/store', () => {
    const offenders = sources.filter((s) => !s.path.startsWith('store/') && imports(s.text).some((i) => i.startsWith('@duckdb/')));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('@clickhouse/client is imported only in src/engine (and chdb nowhere in src)', () => {
    const offenders = sources.filter((s) => {
      const imported = [...imports(s.text), ...[...s.text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!)];
      return imported.some((i) => i === 'chdb' || (i.startsWith('@clickhouse/') && !s.path.startsWith('engine/')));
    });
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('date-fns is imported a function at a time (its index loads ~430 modules: ~250 ms of every command\'s start)', () => {
    const offenders = sources.filter((s) => imports(s.text).includes('date-fns'));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('only the edge touches process.*: src/cli.ts, and src/allocator-env.ts that runs before it loads DuckDB', () => {
    const offenders = sources.filter((s) => !EDGE.includes(s.path) && /\bprocess\.(argv|exit|stdout|stderr|stdin|env|on)\b/.test(s.text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')));
    expect(offenders.map((s) => s.path)).toEqual([]);
  });

  it('no module imports a layer above its own', () => {
    const offenders: string[] = [];
    for (const s of sources) {
      const layer = s.path.split('/')[0]!;
      if (!(layer in RANK)) continue;
      for (const i of imports(s.text).filter((x) => x.startsWith('.'))) {
        const target = relative(SRC, join(SRC, s.path, '..', i)).split('/')[0]!;
        if (target in RANK && RANK[target]! > RANK[layer]!) offenders.push(`${s.path} → ${i}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
