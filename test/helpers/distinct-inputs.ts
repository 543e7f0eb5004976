/**
 * Logs with their configuration, each distinct pair once: many golden cases share the log and configuration of
 * one lab run (ws-httplog's serves thirteen), and a sample may be one of them. Tests that store each input and
 * run every query over it (the parity and reference tests) read each pair once, named after every case that
 * holds it, in the order first seen.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface NamedInput {
  readonly label: string;
  readonly log: string;
  readonly config: string | null;
}

export interface DistinctInput {
  /** Every case and sample that holds this pair, the first seen first. */
  readonly labels: readonly string[];
  readonly log: string;
  readonly config: string | null;
}

export function distinctInputs(candidates: readonly NamedInput[]): DistinctInput[] {
  const byContent = new Map<string, { labels: string[]; log: string; config: string | null }>();
  for (const { label, log, config } of candidates) {
    const key = createHash('sha256').update(readFileSync(log)).update('\0').update(config ? readFileSync(config) : '').digest('hex');
    const seen = byContent.get(key);
    if (seen) seen.labels.push(label);
    else byContent.set(key, { labels: [label], log, config });
  }
  return [...byContent.values()];
}
