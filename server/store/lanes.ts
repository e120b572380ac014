// Serializes async work per DuckDB connection (a connection runs one statement at a time) and bounds concurrency.

/** Runs jobs one after another, in call order; a failed job does not stop the next. */
export type Lane = <T>(job: () => Promise<T>) => Promise<T>;

export function createLane(): Lane {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(job: () => Promise<T>): Promise<T> => {
    const result = tail.then(job);
    tail = result.catch(() => undefined);
    return result;
  };
}

/** Lends each job one of a fixed set of resources, waiting when all are busy. */
export interface Pool<R> {
  use<T>(job: (resource: R) => Promise<T>): Promise<T>;
  /** Waits until every resource is idle and keeps them all: the pool is done after this. */
  drain(): Promise<R[]>;
  /** Runs job holding every resource if all are idle right now; otherwise runs nothing and returns undefined. */
  tryUseAll<T>(job: () => Promise<T>): Promise<T | undefined>;
}

export function createPool<R>(resources: R[]): Pool<R> {
  const idle = [...resources];
  const waiting: ((resource: R) => void)[] = [];
  const release = (resource: R) => {
    const next = waiting.shift();
    if (next) next(resource);
    else idle.push(resource);
  };
  const acquire = async () => idle.pop() ?? (await new Promise<R>((resolve) => waiting.push(resolve)));
  return {
    async use(job) {
      const resource = await acquire();
      try {
        return await job(resource);
      } finally {
        release(resource);
      }
    },
    drain: () => Promise.all(resources.map(acquire)),
    async tryUseAll(job) {
      if (idle.length < resources.length) return undefined;
      const held = idle.splice(0);
      try {
        return await job();
      } finally {
        for (const resource of held) release(resource);
      }
    },
  };
}
