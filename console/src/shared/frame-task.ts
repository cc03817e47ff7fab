// Work drawn at most once per animation frame however often it is asked for (issue 14: a flood
// brings hundreds of pushes a second; the model takes each at once, the screen once a frame).
// A hidden tab gets no animation frames, so a timer stands in: sound, notifications and the
// count still follow the alarms there.
//
// In a flood even once a frame is too often: every frame the queue moves is a layout and a
// repaint of the table (a trace of 200 alarms a second on 5,000 open, 2026-12-05: 61 frames a
// second, three quarters of the page's main thread spent on style, layout and paint), and on an
// operator's busy machine that work makes other tasks wait. `scheduleAfter` lets pushes be drawn
// a few times a second instead, while anything the operator does is still drawn in the next frame.
const FALLBACK_MS = 250;

export interface FrameTask {
  /** Run the task before the next paint (once, however many times this is called). */
  schedule(): void;
  /**
   * Run it at most once every `gapMs` (in the next frame if it has not run in this stretch of
   * gapMs, else in the first frame of the next). A `schedule()` meanwhile brings it forward.
   */
  scheduleAfter(gapMs: number): void;
  /** Run it now if it is scheduled (a key press needs the rows drawn before it moves the focus). */
  flush(): void;
  cancel(): void;
}

export function frameTask(run: () => void): FrameTask {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** The wait of `scheduleAfter` before it asks for a frame. */
  let paced: ReturnType<typeof setTimeout> | null = null;
  let ranAt = -Infinity;
  function cancel(): void {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    if (paced !== null) clearTimeout(paced);
    frame = timer = paced = null;
  }
  function fire(): void {
    cancel();
    ranAt = performance.now();
    run();
  }
  function schedule(): void {
    if (paced !== null) clearTimeout(paced);
    paced = null;
    if (frame !== null || timer !== null) return;
    frame = requestAnimationFrame(fire);
    timer = setTimeout(fire, FALLBACK_MS);
  }
  return {
    schedule,
    scheduleAfter(gapMs) {
      if (frame !== null || timer !== null || paced !== null) return;
      // Time cut in slots of gapMs from one origin, so that every task paced alike (the queue,
      // the count, the title) is drawn in the same frame: once a slot, early in it.
      const now = performance.now();
      const slotStart = gapMs > 0 ? Math.floor(now / gapMs) * gapMs : now;
      if (ranAt < slotStart || gapMs <= 0) schedule();
      else paced = setTimeout(schedule, slotStart + gapMs - now);
    },
    flush() {
      if (frame !== null || timer !== null || paced !== null) fire();
    },
    cancel,
  };
}
