/**
 * `promise`, or what `onTimeout` gives once `ms` have passed: a value (a fallback) or a throw
 * (a rejection). The timer is cleared when the promise settles first and never keeps the
 * process alive; the promise itself is not cancelled.
 */
export function withTimeout<T, F = never>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => F,
): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (err) {
        reject(err);
      }
    }, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
