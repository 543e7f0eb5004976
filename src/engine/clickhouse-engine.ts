import type { QueryEngine } from './query-engine.js';
export async function openClickHouse(url: string): Promise<QueryEngine> {
  throw new Error(`not yet ${url}`);
}
