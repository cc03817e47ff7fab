// The alert sound, made with WebAudio (no sound files). Browsers only let a page make sound
// after the user has done something on it, so the operator switches it on once with a button;
// that click creates (or resumes) the AudioContext. The choice is remembered (localStorage):
// after a reload the page tries again, and where the browser still blocks the sound until the
// next click, the state is `blocked`, for the page to say so plainly.

export type ToneState = 'off' | 'on' | 'blocked';

export interface AlertTone {
  readonly enabled: boolean;
  /** off: the operator switched it off; blocked: switched on, but the browser holds the sound back. */
  readonly state: ToneState;
  /** Call from a click handler. */
  enable(): Promise<boolean>;
  disable(): void;
  /** After a reload: on again if the operator left it on; may end `blocked` until the next click. */
  restore(): void;
  /** Two short beeps, high then low; nothing when not enabled. */
  play(): void;
  onState(listener: (state: ToneState) => void): void;
}

const STORAGE_KEY = 'arc.console.sound';
/** How long a resume may take before the page says the browser is blocking it. */
const RESUME_GRACE_MS = 600;

function remembered(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'on';
  } catch {
    return false;
  }
}
function remember(on: boolean): void {
  try {
    localStorage.setItem(STORAGE_KEY, on ? 'on' : 'off');
  } catch {
    // Private mode without storage: the choice lasts until the reload.
  }
}

export function createAlertTone(): AlertTone {
  let context: AudioContext | null = null;
  let enabled = false;
  const listeners: ((state: ToneState) => void)[] = [];
  const state = (): ToneState => (!enabled ? 'off' : context?.state === 'running' ? 'on' : 'blocked');
  const changed = () => listeners.forEach((l) => l(state()));

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

  /** Resumes without waiting on the browser: a blocked resume may never settle. */
  function resume(): void {
    if (!context) return;
    void context.resume().then(changed, changed);
    setTimeout(changed, RESUME_GRACE_MS);
  }

  function createContext(): AudioContext {
    if (context) return context;
    context = new AudioContext();
    context.addEventListener('statechange', changed);
    // A blocked context starts at the operator's next click or key, anywhere on the page.
    const unblock = () => {
      if (enabled && context?.state !== 'running') resume();
    };
    document.addEventListener('pointerdown', unblock, true);
    document.addEventListener('keydown', unblock, true);
    return context;
  }

  return {
    get enabled() {
      return enabled;
    },
    get state() {
      return state();
    },
    async enable() {
      try {
        createContext();
        enabled = true;
        remember(true);
        resume();
      } catch {
        enabled = false;
      }
      changed();
      return enabled;
    },
    disable() {
      enabled = false;
      remember(false);
      changed();
    },
    restore() {
      if (!remembered()) return;
      try {
        createContext();
        enabled = true;
        resume();
      } catch {
        enabled = false;
      }
      changed();
    },
    play() {
      if (!enabled || !context) return;
      const now = context.currentTime;
      beep(now, 880);
      beep(now + 0.3, 660);
    },
    onState(listener) {
      listeners.push(listener);
    },
  };
}
