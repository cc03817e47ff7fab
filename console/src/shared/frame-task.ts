// Work drawn at most once per animation frame however often it is asked for (issue 14: a flood
// brings hundreds of pushes a second; the model takes each at once, the screen once a frame).
// A hidden tab gets no animation frames, so a timer stands in: sound, notifications and the
// count still follow the alarms there.
const FALLBACK_MS = 250;

export interface FrameTask {
  /** Run the task before the next paint (once, however many times this is called). */
  schedule(): void;
  /** Run it now if it is scheduled (a key press needs the rows drawn before it moves the focus). */
  flush(): void;
  cancel(): void;
}

export function frameTask(run: () => void): FrameTask {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  function cancel(): void {
    if (frame !== null) cancelAnimationFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = timer = null;
  }
  function fire(): void {
    cancel();
    run();
  }
  return {
    schedule() {
      if (frame !== null || timer !== null) return;
      frame = requestAnimationFrame(fire);
      timer = setTimeout(fire, FALLBACK_MS);
    },
    flush() {
      if (frame !== null || timer !== null) fire();
    },
    cancel,
  };
}
