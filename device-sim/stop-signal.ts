// A signal that aborts when the given one does or after a number of seconds. Not
// AbortSignal.any([signal, AbortSignal.timeout(ms)]): on Node 20 the timeout signal inside can be
// garbage-collected before it fires (nodejs/node#57736), and a --duration run then never ends.
// Here the timer holds its controller strongly.
export function stopSignal({ signal, afterS }: { signal?: AbortSignal; afterS?: number }): AbortSignal {
  if (!signal && afterS === undefined)
    throw new Error('a stop signal needs a signal or a time, or it would never stop');
  const controller = new AbortController();
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  if (afterS !== undefined) {
    const timer = setTimeout(() => controller.abort(new Error(`stopped after ${afterS} s`)), afterS * 1000);
    // The work being timed keeps the process alive, not this timer.
    timer.unref();
    controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  }
  return controller.signal;
}
