/**
 * The channel between the ingest worker and the store: batches are pulled one at a time from the worker's port
 * (the worker rings to say one is there), in order, with the input's result after the last, whether the caller
 * takes them at once or slowly (the worker then waits for acknowledgements), and the worker ends with the loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInWorker } from '../../src/ingest/parse-in-worker.js';
import { newInputResult, type ParseJob } from '../../src/ingest/parse-job.js';
import { writeFailedUpgrades } from '../helpers/failed-upgrades.js';

const dir = mkdtempSync(join(tmpdir(), 'wsdiag-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const job = (path: string): ParseJob => ({ path, parser: {}, maxLineBytes: 64 * 1024, skip: 0, names: [] });

describe('parseInWorker', () => {
  it('yields every batch in line order, then the input\'s result, to a caller that keeps up', { timeout: 60_000 }, async () => {
    const result = newInputResult();
    const lineNos: number[] = [];
    for await (const batch of parseInWorker(job(writeFailedUpgrades(dir, 10_000)), result)) lineNos.push(...batch.evidence.map((e) => e.lineNo));
    expect(lineNos).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    expect(result).toMatchObject({ status: 'ok', lines: 10_000 });
  });

  it('yields the same to a slow caller, past the batches the worker may send ahead', { timeout: 60_000 }, async () => {
    // 70,000 lines: 35 batches of 2048, more than the 32 the worker sends before it waits for acknowledgements.
    const result = newInputResult();
    const lineNos: number[] = [];
    let batches = 0;
    for await (const batch of parseInWorker(job(writeFailedUpgrades(dir, 70_000)), result)) {
      lineNos.push(...batch.evidence.map((e) => e.lineNo));
      if (++batches <= 3) await sleep(300);
    }
    expect(batches).toBe(35);
    expect(lineNos).toEqual(Array.from({ length: 70_000 }, (_, i) => i + 1));
    expect(result).toMatchObject({ status: 'ok', lines: 70_000 });
  });

  it('reports a missing input through the result, with no batch', async () => {
    const result = newInputResult();
    const batches = [];
    for await (const batch of parseInWorker(job(join(dir, 'nope.log')), result)) batches.push(batch);
    expect(batches).toEqual([]);
    expect(result.status).toBe('missing');
  });

  it('ends the worker when the caller stops early', { timeout: 60_000 }, async () => {
    const result = newInputResult();
    for await (const batch of parseInWorker(job(writeFailedUpgrades(dir, 70_000)), result)) {
      expect(batch.evidence[0]!.lineNo).toBe(1);
      break;
    }
    // The generator's finally ran (worker terminated, port closed): the process is not kept alive by it.
    expect(result.lines).toBe(0);
  });
});
