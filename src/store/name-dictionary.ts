/**
 * Low-cardinality strings (frontend, backend, server, termination state, method…) → stable ids, persisted in
 * `names`. Pure: the ingest worker keeps a copy seeded from the store's, and the store adopts the ids the copy
 * hands out, so both sides agree without asking each other per line.
 */
import { ABSENT } from './schema.js';

export class NameDictionary {
  private readonly ids = new Map<string, number>();
  private pending: [number, string][] = [];
  /** Names handed out since the last commit: a rollback takes them back. */
  private uncommitted: string[] = [];
  private nextId = 1;

  load(rows: Iterable<readonly [id: number, value: string]>): void {
    for (const [id, value] of rows) {
      this.ids.set(value, id);
      if (id >= this.nextId) this.nextId = id + 1;
    }
  }

  /** Every known name as [id, value], to seed a copy. */
  entries(): [number, string][] {
    return [...this.ids].map(([value, id]) => [id, value]);
  }

  idOf(value: string | null): number {
    if (value === null) return ABSENT;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(value, id);
      this.pending.push([id, value]);
      this.uncommitted.push(value);
    }
    return id;
  }

  /** Takes over names a copy handed out (their rows are about to be stored). */
  adopt(names: readonly (readonly [number, string])[]): void {
    for (const [id, value] of names) {
      if (this.ids.get(value) === id) continue;
      this.ids.set(value, id);
      if (id >= this.nextId) this.nextId = id + 1;
      this.pending.push([id, value]);
      this.uncommitted.push(value);
    }
  }

  /** Names added since the last call, for the `names` table. */
  takePending(): [number, string][] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  commit(): void {
    this.uncommitted = [];
  }

  /** How many names it knows. */
  get size(): number {
    return this.ids.size;
  }

  /**
   * Forget every name, keeping the ids handed out so far out of use: a value seen again gets a new id (and is
   * pending again). Live mode does this to bound memory when names keep coming (IPv6 clients, session cookies).
   */
  forget(): void {
    this.ids.clear();
    this.pending = [];
    this.uncommitted = [];
  }

  /** Forget the names added since the last commit (their rows were rolled back). */
  rollback(): void {
    for (const value of this.uncommitted) this.ids.delete(value);
    this.uncommitted = [];
    this.pending = [];
  }
}
