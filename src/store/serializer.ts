/**
 * One statement at a time on a connection (duckdb-node-neo runs each on a worker thread; two at once on one
 * connection is undefined behaviour): a promise chain that every user of a shared connection goes through.
 */
export type Serializer = <T>(fn: () => Promise<T> | T) => Promise<T>;

export function createSerializer(): Serializer {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T> | T): Promise<T> => {
    const run = tail.then(fn, fn) as Promise<T>;
    tail = run.then(() => undefined, () => undefined);
    return run;
  };
}
