/** `wsdiag live` without a terminal: logs piped into stdin, a summary per interval, the report at end of input. */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runLive(args: string[], sample: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'live', ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    createReadStream(`${ROOT}/${sample}`).pipe(child.stdin);
  });
}

describe('wsdiag live (not a terminal)', () => {
  it('reads stdin to its end, prints a summary and the final report, exits 0', async () => {
    const { code, stdout, stderr } = await runLive(['--format', 'text'], 'samples/ws-httplog.log');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/lines 67 .* sessions 45 /);
    expect(stdout).toMatch(/^wsdiag: 45 sessions \(27 upgraded\)/m);
    expect(stdout).toMatch(/no-server/);
    expect(stdout).not.toContain('\u001b');
  }, 60_000);

  // A pending interval timer held the process open until it fired (here: an hour): the test's timeout, far
  // shorter than the hour and far longer than the run, is what fails it then.
  it('exits as soon as its input ends, however long the interval between summaries', async () => {
    const { code, stdout } = await runLive(['--format', 'text', '--interval', '1h'], 'samples/ws-httplog.log');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^wsdiag: 45 sessions/m);
  }, 120_000);

  it('--format jsonl prints findings as NDJSON and an end record', async () => {
    const { code, stdout } = await runLive(['--format', 'jsonl'], 'samples/ws-httplog.log');
    expect(code).toBe(0);
    const records = stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; finding?: { severity: string }; summary?: { sessions: number } });
    expect(records.filter((r) => r.event === 'new').length).toBeGreaterThan(3);
    expect(records.at(-1)).toMatchObject({ event: 'end', summary: { sessions: 45 } });
  }, 60_000);
});
