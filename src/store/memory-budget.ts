/**
 * How much memory DuckDB may use for an analysis: a share of what this process may use — the machine's memory, or
 * less when its cgroup (a container, a systemd unit with MemoryMax, a small VM's slice) sets a lower limit — and
 * never more than ANALYSIS_CAP_BYTES. DuckDB spills to disk beyond it (sorts, hash tables, temporary tables), so
 * the limit bounds the process's memory; what it costs is time on archives larger than it.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

const MIB = 1024 * 1024;

/**
 * The most DuckDB gets whatever the machine: with Node, DuckDB's code and what DuckDB allocates outside its
 * buffers, an analysis of tens of millions of sessions then stays under 400 MB of resident memory (bench/README.md).
 * At 192 MiB `report` over a 30-day database of 2 M sessions peaked at 390–430 MB in four runs; at 160 MiB 366–384 MB, in the
 * same time (6.7–7.1 s), and `analyze` of 2 M sessions 345 MB, also in the same time.
 */
export const ANALYSIS_CAP_BYTES = 160 * MIB;
/**
 * The least, on a very small machine: below this DuckDB fails where it should spill (a hash table's partitions).
 * Measured: with 64 MiB, analyze, report and sessions over 200 k sessions exited 70 ("could not allocate block of
 * size 256 KiB", in the scope's temporary table and the session list); 80 MiB failed at 150 k on two threads;
 * 96 MiB runs test/diagnose/spill.test.ts's 400 k sessions (and the screens' queries) to the same answers.
 */
export const ANALYSIS_FLOOR_BYTES = 96 * MIB;
/** The share of the process's memory limit DuckDB's buffers may take. */
const SHARE = 0.2;

/** Reads a file's text, or null when it cannot (absent, no permission): injected so tests can give any layout. */
export type ReadText = (path: string) => string | null;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** A limit's text as bytes; null for `max`, an unset limit (cgroup v1 writes a number near 2^63), or garbage. */
function limitBytes(text: string | null): number | null {
  const value = text?.trim();
  if (!value || value === 'max' || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return n > 0 && n < 2 ** 60 ? n : null;
}

const minOf = (values: readonly (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? Math.min(...known) : null;
};

/**
 * The memory limit of this process's cgroup and of every cgroup above it, in bytes; null when none is set.
 * cgroup v2: memory.max along the path of `0::/path` in /proc/self/cgroup. cgroup v1: the memory controller's path,
 * its memory.limit_in_bytes and hierarchical_memory_limit (which already counts the limits above it). In a container
 * the path may not exist as seen from inside (the cgroup namespace shows `/`): the mount's own files are read too.
 */
export function cgroupMemoryLimit(read: ReadText = readText): number | null {
  const lines = (read('/proc/self/cgroup') ?? '').split('\n').filter(Boolean);
  const limits: (number | null)[] = [];
  for (const line of lines) {
    const [, controllers = '', path = '/'] = line.split(':');
    const rel = path.replace(/\/+$/, '');
    if (controllers === '' && line.startsWith('0::')) {
      // v2: every level from the process's cgroup up to the root.
      const parts = rel.split('/').filter(Boolean);
      for (let depth = parts.length; depth >= 0; depth--) {
        const dir = ['/sys/fs/cgroup', ...parts.slice(0, depth)].join('/');
        limits.push(limitBytes(read(`${dir}/memory.max`)));
      }
    } else if (controllers.split(',').includes('memory')) {
      for (const dir of [`/sys/fs/cgroup/memory${rel}`, '/sys/fs/cgroup/memory']) {
        limits.push(limitBytes(read(`${dir}/memory.limit_in_bytes`)));
        const hierarchical = /^hierarchical_memory_limit (\d+)$/m.exec(read(`${dir}/memory.stat`) ?? '');
        limits.push(limitBytes(hierarchical?.[1] ?? null));
      }
    }
  }
  return minOf(limits);
}

export interface MemoryFacts {
  /** The machine's memory, bytes. */
  readonly totalBytes: number;
  /** The cgroup's limit, bytes, when one is set. */
  readonly cgroupBytes: number | null;
}

export function machineMemory(read: ReadText = readText): MemoryFacts {
  return { totalBytes: totalmem(), cgroupBytes: cgroupMemoryLimit(read) };
}

/**
 * What the screens take beside DuckDB (Node's heap with ink, react and yoga, and the screens' data): `tui --db` over
 * 10 M sessions peaked 46 MB above the same analysis run without them. Given the whole cap, the screens peaked at
 * 431–447 MB; with this reserve (DuckDB at 96 MiB) at 370–380 MB, and their first screen came no later (bench:tui).
 */
export const SCREENS_RESERVE_BYTES = 64 * MIB;

/**
 * DuckDB's memory limit for an analysis, in bytes, on a machine with these facts; `reserveBytes` is what the process
 * needs beside it (the screens), taken off the cap, never below the floor.
 */
export function analysisMemoryBytes(facts: MemoryFacts, reserveBytes = 0): number {
  const available = minOf([facts.totalBytes, facts.cgroupBytes]) ?? facts.totalBytes;
  return Math.round(Math.max(ANALYSIS_FLOOR_BYTES, Math.min(ANALYSIS_CAP_BYTES - reserveBytes, available * SHARE)));
}

/** Bytes as DuckDB takes them in `SET memory_limit`, in whole MiB. */
export const duckdbSize = (bytes: number): string => `${Math.max(1, Math.floor(bytes / MIB))}MiB`;
