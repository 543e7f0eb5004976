/** The database could not be opened or used: exit 2. Apart from database.ts so that the edge can name it without loading DuckDB. */
export class StoreError extends Error {}
