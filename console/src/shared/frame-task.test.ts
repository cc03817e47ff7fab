// The frame task's pacing (issue 14), on faked timers, animation frames and clock: once per frame
// when asked to, at most once per slot when paced, tasks paced alike in the same frame, and the
// operator's own asks never held back by the pace.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { frameTask } from './frame-task.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  // Node has no animation frames: one every 16 ms on the faked clock, as a 60 Hz screen.
  vi.stubGlobal('requestAnimationFrame', (run: FrameRequestCallback) =>
    setTimeout(() => run(performance.now()), 16 - (performance.now() % 16)),
  );
  vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A task that notes when (on the faked clock) it ran. */
function noted() {
  const ranAt: number[] = [];
  const task = frameTask(() => ranAt.push(performance.now()));
  return { task, ranAt };
}

describe('frameTask', () => {
  it('runs once in the next frame however often it is asked', () => {
    const { task, ranAt } = noted();
    for (let i = 0; i < 50; i++) task.schedule();
    expect(ranAt).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(ranAt).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(ranAt).toHaveLength(1);
  });

  it('paced: asked every 5 ms for a second, runs at most once in each 200 ms', () => {
    const { task, ranAt } = noted();
    for (let t = 0; t < 1000; t += 5) {
      task.scheduleAfter(200);
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(400);
    expect(ranAt.length).toBeGreaterThanOrEqual(5);
    expect(ranAt.length).toBeLessThanOrEqual(6);
    const slots = ranAt.map((at) => Math.floor(at / 200));
    expect(new Set(slots).size).toBe(slots.length);
  });

  it('paced: the first ask after a quiet spell is drawn in the next frame', () => {
    const { task, ranAt } = noted();
    vi.advanceTimersByTime(1010);
    task.scheduleAfter(200);
    vi.advanceTimersByTime(20);
    expect(ranAt).toHaveLength(1);
    expect(ranAt[0]).toBeLessThan(1040);
  });

  it('paced alike, two tasks run in the same frame', () => {
    const a = noted();
    const b = noted();
    vi.advanceTimersByTime(7);
    a.task.schedule();
    vi.advanceTimersByTime(20);
    for (let t = 0; t < 1000; t += 10) {
      a.task.scheduleAfter(200);
      vi.advanceTimersByTime(3);
      b.task.scheduleAfter(200);
      vi.advanceTimersByTime(7);
    }
    vi.advanceTimersByTime(400);
    // After its first run, every run of A is in a frame B also ran in.
    expect(a.ranAt.slice(1)).toEqual(expect.arrayContaining(b.ranAt.slice(1)));
    expect(b.ranAt.slice(1)).toEqual(expect.arrayContaining(a.ranAt.slice(1)));
  });

  it('an ask for the next frame brings a paced run forward', () => {
    const { task, ranAt } = noted();
    task.schedule();
    vi.advanceTimersByTime(20);
    task.scheduleAfter(200);
    vi.advanceTimersByTime(20);
    expect(ranAt).toHaveLength(1);
    task.schedule();
    vi.advanceTimersByTime(20);
    expect(ranAt).toHaveLength(2);
    // Nothing left waiting: the paced ask was that run.
    vi.advanceTimersByTime(1000);
    expect(ranAt).toHaveLength(2);
  });

  it('cancel drops a paced run; flush runs it now', () => {
    const { task, ranAt } = noted();
    task.schedule();
    vi.advanceTimersByTime(20);
    task.scheduleAfter(200);
    task.cancel();
    vi.advanceTimersByTime(1000);
    expect(ranAt).toHaveLength(1);
    task.scheduleAfter(200);
    task.flush();
    expect(ranAt).toHaveLength(2);
  });
});
