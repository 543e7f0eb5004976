import { describe, expect, it } from 'vitest';
import { analysisMemoryBytes, ANALYSIS_CAP_BYTES, ANALYSIS_FLOOR_BYTES, cgroupMemoryLimit, duckdbSize, SCREENS_RESERVE_BYTES } from '../../src/store/memory-budget.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;
/** A file system of these files' texts (any other path is absent). */
const files = (entries: Record<string, string>) => (path: string): string | null => entries[path] ?? null;
const UNSET_V1 = '9223372036854771712';

describe('the cgroup memory limit', () => {
  it.each([
    ['no /proc/self/cgroup (not Linux)', {}, null],
    ['cgroup v1, no limit', { '/proc/self/cgroup': '4:memory:/user.slice\n1:cpu:/\n', '/sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes': UNSET_V1 }, null],
    ['cgroup v1, the process cgroup limited', { '/proc/self/cgroup': '4:memory:/jobs/a\n', '/sys/fs/cgroup/memory/jobs/a/memory.limit_in_bytes': String(GIB) }, GIB],
    ['cgroup v1, a parent limit (hierarchical_memory_limit)', {
      '/proc/self/cgroup': '9:memory:/jobs/a\n',
      '/sys/fs/cgroup/memory/jobs/a/memory.limit_in_bytes': UNSET_V1,
      '/sys/fs/cgroup/memory/jobs/a/memory.stat': `cache 0\nrss 0\nhierarchical_memory_limit ${512 * MIB}\nhierarchical_memsw_limit ${UNSET_V1}\n`,
    }, 512 * MIB],
    ['cgroup v1 in a container (the path is not visible; the mount root is the container)', {
      '/proc/self/cgroup': '4:memory:/docker/0123abcd\n', '/sys/fs/cgroup/memory/memory.limit_in_bytes': String(2 * GIB),
    }, 2 * GIB],
    ['cgroup v2, memory.max set on the process cgroup', { '/proc/self/cgroup': '0::/system.slice/wsdiag.service\n', '/sys/fs/cgroup/system.slice/wsdiag.service/memory.max': String(768 * MIB) }, 768 * MIB],
    ['cgroup v2, max here and a limit above', {
      '/proc/self/cgroup': '0::/a/b\n', '/sys/fs/cgroup/a/b/memory.max': 'max\n', '/sys/fs/cgroup/a/memory.max': `${3 * GIB}\n`, '/sys/fs/cgroup/memory.max': 'max',
    }, 3 * GIB],
    ['cgroup v2, no limit anywhere', { '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/memory.max': 'max\n' }, null],
    ['garbage in a limit file', { '/proc/self/cgroup': '0::/x\n', '/sys/fs/cgroup/x/memory.max': 'lots' }, null],
  ] as const)('%s', (_, layout, expected) => {
    expect(cgroupMemoryLimit(files(layout))).toBe(expected);
  });
});

describe("DuckDB's memory limit for an analysis", () => {
  it.each([
    ['a large machine: the cap', 24 * GIB, null, ANALYSIS_CAP_BYTES],
    ['a large machine in a 640 MiB cgroup: a fifth of the cgroup', 24 * GIB, 640 * MIB, 128 * MIB],
    ['a 512 MiB VM: a fifth of it', 512 * MIB, null, Math.round((512 * MIB) / 5)],
    ['a 1 GiB cgroup: the cap', 24 * GIB, GIB, ANALYSIS_CAP_BYTES],
    ['a 128 MiB container: the floor', 24 * GIB, 128 * MIB, ANALYSIS_FLOOR_BYTES],
  ] as const)('%s', (_, totalBytes, cgroupBytes, expected) => {
    expect(analysisMemoryBytes({ totalBytes, cgroupBytes })).toBe(expected);
  });

  it.each([
    ['a large machine: the cap less the reserve', 24 * GIB, null, ANALYSIS_CAP_BYTES - SCREENS_RESERVE_BYTES],
    ['a 640 MiB cgroup: a fifth of it is more than the cap less the reserve', 24 * GIB, 640 * MIB, ANALYSIS_CAP_BYTES - SCREENS_RESERVE_BYTES],
    ['a 128 MiB container: never below the floor', 24 * GIB, 128 * MIB, ANALYSIS_FLOOR_BYTES],
  ] as const)('with room kept for the screens, %s', (_, totalBytes, cgroupBytes, expected) => {
    expect(analysisMemoryBytes({ totalBytes, cgroupBytes }, SCREENS_RESERVE_BYTES)).toBe(expected);
  });

  it('is written in whole MiB', () => {
    expect(duckdbSize(192 * MIB)).toBe('192MiB');
    expect(duckdbSize(Math.round((512 * MIB) / 5))).toBe('102MiB');
  });
});
