/**
 * Command deadlines without a timer per command (the hot path sends several per request):
 * one sweep every quarter of the timeout rejects the overdue ones, so a command fails
 * between 1 and 1.25 times the timeout after it was sent.
 */
export function createDeadlines(ms: number) {
  const inflight = new Set<{ deadline: number; reject: (err: Error) => void }>();
  const sweep = setInterval(
    () => {
      const now = Date.now();
      // Insertion order is deadline order: stop at the first command still in time.
      for (const entry of inflight) {
        if (entry.deadline > now) break;
        inflight.delete(entry);
        entry.reject(new Error(`redis command timed out after ${ms} ms`));
      }
    },
    Math.max(5, Math.floor(ms / 4)),
  );
  sweep.unref();
  return {
    bound<T>(p: Promise<T>, onFailure?: (err: unknown) => void): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const fail = (err: Error) => {
          onFailure?.(err);
          reject(err);
        };
        const entry = { deadline: Date.now() + ms, reject: fail };
        inflight.add(entry);
        p.then(
          (value) => {
            if (inflight.delete(entry)) resolve(value);
          },
          (err: unknown) => {
            if (!inflight.delete(entry)) return; // already timed out
            onFailure?.(err);
            reject(err);
          },
        );
      });
    },
    stop: () => clearInterval(sweep),
  };
}
