/**
 * Where the evidence text should live, measured with nothing parsed: 2,000,000 rows of 35 INTEGER columns, 28% of
 * them with a ~210-character line of evidence, appended from data chunks into a new DuckDB file (one DuckDB thread,
 * 64 MB), a COMMIT every COMMIT rows (default 245,760; ingest's commits fall between row groups, as COMMIT=250000 does):
 *
 *   node --import tsx bench/evidence-layout.ts table|column
 *
 *   table    the text as rows of a table of its own (source_id, line_no, raw), as raw_lines is today
 *   column   the text as a nullable column of the session table itself (NULL for the 72% without evidence)
 *
 * Prints wall and CPU seconds and pragma_database_size()'s free and used blocks.
 */
import ddb from '@duckdb/node-bindings';
import { DuckDBDataChunk, INTEGER, VARCHAR } from '@duckdb/node-api';
import { rmSync } from 'node:fs';
import { openDatabase } from '../src/store/database.js';

const ROWS = 2048, TOTAL = 2_000_000, COMMIT = Number(process.env.COMMIT ?? 245_760), COLS = 35;
const text = (i: number) => `Nov 22 04:35:52 lb1 haproxy[1234]: 100.17.128.${i % 250}:39189 [22/Nov/2026:04:35:52.904] fe_wss~ be_ws/ws2 1/0/2/13/${i} 101 2457605 - - SD-- 1548/774/60/74/0 0/0 {websocket|Upgrade} "GET /ws/notifications?room=${i} HTTP/1.1"`;
async function run(layout: 'column' | 'table'): Promise<void> {
  const path = `/tmp/evl-${layout}.duckdb`;
  rmSync(path, { force: true }); rmSync(path + '.wal', { force: true });
  const db = await openDatabase(path, { memoryLimit: '64MB' });
  await db.run('SET threads = 1');
  const ints = Array.from({ length: COLS }, (_, k) => `c${k} INTEGER`).join(', ');
  await db.run(`CREATE TABLE s (${ints}${layout === 'column' ? ', raw VARCHAR USING COMPRESSION uncompressed' : ''})`);
  if (layout === 'table') await db.run('CREATE TABLE r (source_id INTEGER, line_no INTEGER, raw VARCHAR USING COMPRESSION uncompressed)');
  const sa = await db.connection.createAppender('s');
  const ra = layout === 'table' ? await db.connection.createAppender('r') : null;
  const types = [...Array.from({ length: COLS }, () => INTEGER), ...(layout === 'column' ? [VARCHAR] : [])];
  const chunk = DuckDBDataChunk.create(types, ROWS);
  const rchunk = DuckDBDataChunk.create([INTEGER, INTEGER, VARCHAR], ROWS);
  const vals = Array.from({ length: COLS }, (_, k) => Int32Array.from({ length: ROWS }, (_, i) => (k % 3 === 0 ? (i * 7919 + k) % 1000000 : k % 3 === 1 ? i % 100 : 7)));
  const validity = new Uint8Array(ROWS / 8);
  let rpending = 0;
  const rl = new Int32Array(ROWS);
  /** The evidence rows held so far, as one chunk of the table layout's own table. */
  const appendRaw = (): void => {
    rchunk.rowCount = rpending;
    for (const column of [0, 1]) ddb.copy_data_to_vector(ddb.data_chunk_get_vector(rchunk.chunk, column), 0, rl.buffer, 0, rpending * 4);
    ra!.appendDataChunk(rchunk);
    rchunk.reset();
    rpending = 0;
  };
  const t0 = performance.now(); const c0 = process.cpuUsage();
  await db.run('BEGIN TRANSACTION');
  let rows = 0;
  while (rows < TOTAL) {
    chunk.reset(); chunk.rowCount = ROWS;
    for (let k = 0; k < COLS; k++) ddb.copy_data_to_vector(ddb.data_chunk_get_vector(chunk.chunk, k), 0, vals[k]!.buffer, 0, ROWS * 4);
    if (layout === 'column') {
      const v = ddb.data_chunk_get_vector(chunk.chunk, COLS);
      validity.fill(0);
      for (let i = 0; i < ROWS; i++) if ((rows + i) % 100 < 28) { ddb.vector_assign_string_element(v, i, text(rows + i)); validity[i >> 3]! |= 1 << (i & 7); }
      ddb.vector_ensure_validity_writable(v);
      ddb.copy_data_to_vector_validity(v, 0, validity.buffer, 0, ROWS / 8);
    } else {
      for (let i = 0; i < ROWS; i++) if ((rows + i) % 100 < 28) {
        const rv = ddb.data_chunk_get_vector(rchunk.chunk, 2);
        ddb.vector_assign_string_element(rv, rpending, text(rows + i)); rl[rpending] = rows + i; rpending++;
        if (rpending === ROWS) appendRaw();
      }
    }
    sa.appendDataChunk(chunk);
    rows += ROWS;
    if (Math.floor(rows / COMMIT) !== Math.floor((rows - ROWS) / COMMIT)) {
      if (ra && rpending) appendRaw();
      sa.flushSync(); ra?.flushSync();
      await db.run('COMMIT'); await db.run('BEGIN TRANSACTION');
    }
  }
  sa.flushSync(); ra?.flushSync();
  await db.run('COMMIT');
  sa.closeSync(); ra?.closeSync();
  const wall = (performance.now() - t0) / 1000; const c = process.cpuUsage(c0);
  const size = await db.query('SELECT free_blocks, used_blocks FROM pragma_database_size()');
  db.close();
  console.log(layout, COMMIT, 'wall', wall.toFixed(2), 'cpu', ((c.user + c.system) / 1e6).toFixed(2), JSON.stringify(size.rows[0]));
}
await run(process.argv[2] as 'column' | 'table');
