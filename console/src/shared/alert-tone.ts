// The alert sound, made with WebAudio (no sound files). Browsers only let a page make sound
// after the user has done something on it, so the operator switches it on once with a button;
// that click creates (or resumes) the AudioContext.

export interface AlertTone {
  readonly enabled: boolean;
  /** Call from a click handler. */
  enable(): Promise<boolean>;
  disable(): void;
  /** Two short beeps, high then low; nothing when not enabled. */
  play(): void;
}

export function createAlertTone(): AlertTone {
  let context: AudioContext | null = null;
  let enabled = false;

  function beep(at: number, frequency: number) {
    if (!context) return;
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'square';
    oscillator.frequency.value = frequency;
    // A short ramp in and out: no click at either end.
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.22);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + 0.25);
  }

  return {
    get enabled() {
      return enabled;
    },
    async enable() {
      try {
        context ??= new AudioContext();
        await context.resume();
        enabled = true;
      } catch {
        enabled = false;
      }
      return enabled;
    },
    disable() {
      enabled = false;
    },
    play() {
      if (!enabled || !context) return;
      const now = context.currentTime;
      beep(now, 880);
      beep(now + 0.3, 660);
    },
  };
}
