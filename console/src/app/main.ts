// The lone-worker app (a first slice of issue 11): pair this phone as a device from the
// provisioning page's settings, then one large SOS button with a short countdown the wearer can
// cancel before anything is sent. The SOS goes to the ARC as a protocol v1 event over MQTT on
// WebSocket, with the phone's position when the browser has one; without a connection it waits
// on the phone (outbox.ts) and goes, with its original id, when the connection is back. A sent
// SOS is cancelled with the PIN; the duress PIN looks exactly the same on the phone (spec, "PINs").
import { el } from '../shared/element.js';
import { openDeviceLink, type ArcCommand, type DeviceLink } from './device-link.js';
import { openOutbox, type Outbox, type OutboxItem } from './outbox.js';
import { brokerUrlFor, parsePairing, type Pairing } from './pairing.js';
import { cameraAvailable, scanQrCode } from './qr-scan.js';
import './app.css';

/** Seconds between the press and the send: long enough to cancel a pocket press, short for a real one. */
export const SOS_COUNTDOWN_S = 3;
/** A cancel the ARC has not answered by then was not taken (a wrong PIN gets no answer: spec, "PINs"). */
const CANCEL_ANSWER_MS = 15_000;
/** The secret stays on this phone only (never shown again); unpairing deletes it. */
const PAIRING_KEY = 'arcangel.app.pairing';
/** The SOS the wearer may still cancel, across a reload. */
const OPEN_SOS_KEY = 'arcangel.app.open-sos';
/** The running visit timer (amber session): when it is due, across a reload. */
const AMBER_KEY = 'arcangel.app.amber';
/** Visit lengths offered, in minutes (spec: 60..86400 s). */
const VISIT_MINUTES = [15, 30, 45, 60, 90, 120];
const EXTEND_MINUTES = 15;
/** The visit timer's countdown turns to a warning this long before the visit is due. */
export const VISIT_WARNING_S = 5 * 60;
/** The ARC's `config` as last received, kept on the phone across a reload. */
const CONFIG_KEY = 'arcangel.app.config';

/**
 * The settings of the spec's `config` command a phone can honour: `heartbeatS` (a status at least
 * this often while the app is open; 300 s unless the ARC says otherwise) and `locationS` (a fix at
 * least this often while the app is open, when the phone has moved; at the heartbeat's pace
 * unless set). Both only while the app is open: a browser pauses timers in the background.
 */
interface DeviceConfig {
  heartbeatS: number;
  locationS: number | null;
  /** This ARC's own `config` field: the shift pattern agreed with the worker's manager, or null. */
  shift: ShiftPattern | null;
}

interface ShiftPattern {
  intervalS: number;
  lengthS: number;
}

function storedConfig(): DeviceConfig {
  try {
    const stored = JSON.parse(localStorage.getItem(CONFIG_KEY) ?? 'null') as Partial<DeviceConfig> | null;
    return {
      heartbeatS: stored?.heartbeatS ?? 300,
      locationS: stored?.locationS ?? null,
      shift: stored?.shift ?? null,
    };
  } catch {
    return { heartbeatS: 300, locationS: null, shift: null };
  }
}

function shiftPattern(value: unknown): ShiftPattern | null | undefined {
  if (value === null) return null;
  if (typeof value !== 'object') return undefined;
  const { intervalS, lengthS } = value as Record<string, unknown>;
  return Number.isInteger(intervalS) && Number.isInteger(lengthS)
    ? { intervalS: intervalS as number, lengthS: lengthS as number }
    : undefined;
}

let config = storedConfig();

/** A positive whole number of seconds, at least `min`, or undefined when the field is absent or unusable. */
function seconds(value: unknown, min: number): number | undefined {
  return Number.isInteger(value) && (value as number) > 0 ? Math.max(min, value as number) : undefined;
}

/** Spec `config`: the fields it names that this phone can honour; the others are ignored (a device ignores what it does not know). */
function applyConfig(command: Record<string, unknown>): void {
  const heartbeatS = seconds(command.heartbeatS, 10);
  const locationS = seconds(command.locationS, 1);
  const shift = 'shift' in command ? shiftPattern(command.shift) : undefined;
  // This ARC's own field: staff started a shift (POST /api/devices/:id/shift). Shown as the ARC
  // reckons it; it ends by itself at plannedEndAt, or when the ARC says so (shiftEndedAt).
  const started = command.shiftStarted as Record<string, unknown> | undefined;
  if (
    started &&
    typeof started === 'object' &&
    Number.isInteger(started.intervalS) &&
    typeof started.dueAt === 'number'
  ) {
    const endsAt = typeof started.plannedEndAt === 'number' ? started.plannedEndAt : null;
    if (endsAt === null || endsAt > Date.now()) {
      const shift: RunningShift = {
        startedAt: Number(started.startedAt) || Date.now(),
        endsAt,
        dueAt: started.dueAt,
        intervalS: started.intervalS as number,
      };
      localStorage.setItem(SHIFT_KEY, JSON.stringify(shift));
      say('The alarm centre has started your shift.');
    }
  }
  // This ARC's own field: the ARC ended the running shift early (DELETE /api/devices/:id/shift).
  // A shift this phone started after that moment is another shift, and stays.
  if (typeof command.shiftEndedAt === 'number') {
    const running = runningShift();
    if (running && (running.startedAt ?? 0) <= command.shiftEndedAt) {
      localStorage.removeItem(SHIFT_KEY);
      say('The alarm centre has ended your shift.');
    }
  }
  config = {
    heartbeatS: heartbeatS ?? config.heartbeatS,
    locationS: locationS ?? config.locationS,
    shift: shift === undefined ? config.shift : shift,
  };
  localStorage.setItem(CONFIG_KEY, JSON.stringify(config));
  startHeartbeat();
  showShift();
}

// ---- The lone-worker shift, where a pattern is set -----------------------------------------------
// The protocol has no "start shift" event: a check-in while no shift runs starts one at the ARC
// when the device has a shift pattern (docs/reference/alarm-rules.md, "Lone-worker check-ins"). The phone keeps its own
// view of the shift from the pattern; it cannot end one early (no event for it), and says so. When
// the ARC ends it early, a `config` with `shiftEndedAt` tells the phone (applyConfig).

/** The shift this phone started: when it started and ends, and when the next check-in is due (ms). */
const SHIFT_KEY = 'arcangel.app.shift';

interface RunningShift {
  /** Absent in shifts stored by an earlier version of the app. */
  startedAt?: number;
  /** null: a shift staff started without a length, running until the ARC ends it. */
  endsAt: number | null;
  dueAt: number;
  /** The check-in interval of a shift staff started; a shift started here uses the pattern's. */
  intervalS?: number;
}

function runningShift(): RunningShift | null {
  try {
    const shift = JSON.parse(localStorage.getItem(SHIFT_KEY) ?? 'null') as RunningShift | null;
    return shift && (shift.endsAt === null || shift.endsAt > Date.now()) ? shift : null;
  } catch {
    return null;
  }
}

const clockTime = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function showShift(): void {
  const slot = view?.shiftSlot;
  if (!slot) return;
  const shift = runningShift();
  if (shift) {
    slot.replaceChildren(
      el('p', {
        className: 'shift-state',
        attrs: { id: 'shift-state' },
        text: `${shift.endsAt === null ? 'On shift.' : `On shift until ${clockTime(shift.endsAt)}.`} Next check-in by ${clockTime(shift.dueAt)}.`,
      }),
      el('p', {
        className: 'app-note',
        text: 'Press \u201cI\u2019m OK\u201d to check in. The shift ends by itself; to end it sooner, ask the alarm centre.',
      }),
    );
    return;
  }
  if (!config.shift) {
    slot.replaceChildren();
    return;
  }
  const pattern = config.shift;
  const start = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'Start shift' });
  start.addEventListener('click', () => {
    const now = Date.now();
    localStorage.setItem(
      SHIFT_KEY,
      JSON.stringify({ startedAt: now, endsAt: now + pattern.lengthS * 1000, dueAt: now + pattern.intervalS * 1000 }),
    );
    void send(newEvent('checkin'));
    // positions while the shift runs, as far as the browser allows
    track(config.locationS ?? 60, pattern.lengthS);
    say('Shift started.');
    showShift();
  });
  slot.replaceChildren(
    el('p', {
      className: 'app-note',
      text: `Shift pattern: ${Math.round(pattern.lengthS / 60)} minutes, checking in every ${Math.round(pattern.intervalS / 60)} minutes.`,
    }),
    start,
  );
}

/** A check-in while the shift runs: the next one is due an interval from now. */
function checkedIn(): void {
  const shift = runningShift();
  const intervalS = shift?.intervalS ?? config.shift?.intervalS;
  if (!shift || !intervalS) return;
  localStorage.setItem(SHIFT_KEY, JSON.stringify({ ...shift, dueAt: Date.now() + intervalS * 1000 }));
  showShift();
}

const root = document.getElementById('app')!;
const linkState = document.getElementById('link-state')!;
let link: DeviceLink | null = null;
let outbox: Outbox | null = null;
/** The newest position the browser gave, with its accuracy. */
let position: { lat: number; lon: number; acc: number; ts: number } | null = null;
/** What the paired view shows; set by pairedView. */
let view: { message: HTMLElement; cancelSlot: HTMLElement; visitSlot: HTMLElement; shiftSlot: HTMLElement } | null =
  null;
/** The cancel (sos.cancel or amber.end) under way: its event id and the timer that gives up on an answer. */
let pendingCancel: { id: string; kind: 'sos' | 'visit'; timer: ReturnType<typeof setTimeout> } | null = null;

function storedPairing(): Pairing | null {
  try {
    const text = localStorage.getItem(PAIRING_KEY);
    return text ? (JSON.parse(text) as Pairing) : null;
  } catch {
    return null;
  }
}

function showLinkState(state: 'online' | 'offline'): void {
  linkState.dataset.state = state;
  linkState.textContent = state === 'online' ? 'Connected' : 'Not connected';
}

const say = (text: string) => view && (view.message.textContent = text);

// ---- Pairing -------------------------------------------------------------------------------------

function pairView(): void {
  const settings = el('textarea', {
    attrs: { id: 'pairing-settings', rows: 6, autocomplete: 'off', spellcheck: 'false' },
  });
  const error = el('p', { className: 'app-error', attrs: { role: 'alert' } });
  const form = el(
    'form',
    { className: 'pair-form', attrs: { 'aria-labelledby': 'pair-heading' } },
    el('h1', { attrs: { id: 'pair-heading' }, text: 'Pair this phone' }),
    el('p', {
      text: 'Scan the QR code the alarm centre shows for this phone on its provisioning page, or paste the text beside it. The secret stays on this phone.',
    }),
    scanner(settings, () => form.requestSubmit()),
    el('label', { attrs: { for: 'pairing-settings' }, text: 'Settings from the provisioning page' }),
    settings,
    error,
    el('button', { className: 'app-primary', attrs: { type: 'submit' }, text: 'Pair' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parsePairing(settings.value);
    if (!parsed.ok) {
      error.textContent = parsed.reason;
      return;
    }
    localStorage.setItem(PAIRING_KEY, JSON.stringify(parsed.pairing));
    settings.value = '';
    pairedView(parsed.pairing);
  });
  view = null;
  root.replaceChildren(form);
  showLinkState('offline');
}

/** "Scan the QR code": the camera fills the settings in and pairs; nothing shown where there is no camera. */
function scanner(settings: HTMLTextAreaElement, pair: () => void): HTMLElement | null {
  if (!cameraAvailable()) return null;
  const video = el('video', {
    className: 'scan-video',
    attrs: { muted: true, playsinline: true, 'aria-label': 'Camera', hidden: true },
  });
  const start = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'Scan the QR code' });
  const note = el('p', { className: 'app-error', attrs: { role: 'alert' } });
  let stop: AbortController | null = null;
  start.addEventListener('click', async () => {
    if (stop) {
      stop.abort();
      return;
    }
    stop = new AbortController();
    start.textContent = 'Stop scanning';
    video.hidden = false;
    note.textContent = '';
    try {
      settings.value = await scanQrCode(video, stop.signal);
      pair();
    } catch {
      if (!stop.signal.aborted) note.textContent = 'The camera could not be used. Paste the settings instead.';
    } finally {
      stop = null;
      start.textContent = 'Scan the QR code';
      video.hidden = true;
    }
  });
  return el('div', { className: 'scanner' }, start, video, note);
}

// ---- Paired: the SOS button ----------------------------------------------------------------------

function pairedView(pairing: Pairing): void {
  link?.close();
  const message = el('p', {
    className: 'app-message',
    attrs: { role: 'status', 'aria-live': 'assertive', id: 'app-message' },
  });
  const cancelSlot = el('div', { className: 'cancel-slot' });
  const visitSlot = el('div', { className: 'visit-slot' });
  const shiftSlot = el('div', { className: 'shift-slot', attrs: { 'aria-live': 'polite' } });
  const sos = el('button', {
    className: 'sos-button',
    attrs: { type: 'button', 'aria-label': 'SOS: call for help' },
    text: 'SOS',
  });
  const checkin = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'I\u2019m OK' });
  // Discreet: no countdown, no message, nothing on screen changes (spec: `discreet`, the ARC
  // must not call back audibly). Small and plain on purpose.
  const discreet = el('button', {
    className: 'app-discreet',
    attrs: { type: 'button', 'aria-label': 'Discreet alarm' },
    text: '\u00b7',
  });
  const unpair = el('button', { className: 'app-quiet', attrs: { type: 'button' }, text: 'Unpair this phone' });
  root.replaceChildren(
    el('h1', { className: 'visually-hidden', text: 'Lone worker' }),
    el('p', { className: 'app-device', text: `This phone is device ${pairing.deviceId}` }),
    sos,
    message,
    cancelSlot,
    shiftSlot,
    visitSlot,
    checkin,
    el('div', { className: 'app-footer' }, unpair, discreet),
  );
  view = { message, cancelSlot, visitSlot, shiftSlot };
  sos.addEventListener('click', () => countdown());
  checkin.addEventListener('click', () => {
    say('Check-in sent.');
    void send(newEvent('checkin'));
    checkedIn();
  });
  discreet.addEventListener('click', () => {
    const item = newEvent('sos', { discreet: true });
    void send(item, { quiet: true });
  });
  showVisit();
  showShift();
  unpair.addEventListener('click', () => {
    if (!confirm('Unpair this phone? It will no longer reach the alarm centre until it is paired again.')) return;
    link?.close();
    link = null;
    localStorage.removeItem(PAIRING_KEY);
    localStorage.removeItem(OPEN_SOS_KEY);
    localStorage.removeItem(AMBER_KEY);
    localStorage.removeItem(CONFIG_KEY);
    localStorage.removeItem(SHIFT_KEY);
    config = storedConfig();
    pairView();
  });
  link = openDeviceLink(brokerUrlFor(location), pairing, {
    state: showLinkState,
    command: obey,
    connected: () => {
      void flush();
      void sendStatus();
    },
  });
  startHeartbeat();
  watchPosition();
  void showWaiting();
  if (localStorage.getItem(OPEN_SOS_KEY)) offerCancel();
}

/** The countdown: cancelling it sends nothing at all. */
function countdown(): void {
  const previous = [...root.childNodes];
  let left = SOS_COUNTDOWN_S;
  const count = el('p', {
    className: 'countdown',
    attrs: { role: 'timer', 'aria-live': 'assertive' },
    text: `Sending SOS in ${left}`,
  });
  const cancel = el('button', { className: 'cancel-button', attrs: { type: 'button' }, text: 'Cancel' });
  root.replaceChildren(
    el('section', { className: 'countdown-panel', attrs: { 'aria-label': 'SOS countdown' } }, count, cancel),
  );
  cancel.focus();
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      count.textContent = `Sending SOS in ${left}`;
      return;
    }
    clearInterval(timer);
    root.replaceChildren(...previous);
    void sendSos();
  }, 1000);
  cancel.addEventListener('click', () => {
    clearInterval(timer);
    root.replaceChildren(...previous);
    say('SOS cancelled. Nothing was sent.');
  });
}

/** An event of protocol v1 with a fresh id, the phone's time and its last position. */
function newEvent(type: string, extra: Record<string, unknown> = {}): Omit<OutboxItem, 'seq'> {
  const event: Record<string, unknown> = { id: `app-${crypto.randomUUID()}`, type, ts: Date.now(), ...extra };
  if (position) Object.assign(event, { lat: position.lat, lon: position.lon, acc: position.acc });
  return { key: event.id as string, channel: 'events', payload: event };
}

async function sendSos(): Promise<void> {
  const item = newEvent('sos');
  localStorage.setItem(OPEN_SOS_KEY, item.key);
  await send(item);
  offerCancel();
}

// ---- The visit timer (amber session) -------------------------------------------------------------

function showVisit(): void {
  if (!view) return;
  const due = Number(localStorage.getItem(AMBER_KEY) ?? 0);
  if (!due) {
    const start = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'Start a visit timer' });
    start.addEventListener('click', () => {
      const note = el('textarea', { attrs: { id: 'visit-note', rows: 2, maxlength: 1000 } });
      const minutes = el(
        'select',
        { attrs: { id: 'visit-minutes' } },
        ...VISIT_MINUTES.map((m) => el('option', { attrs: { value: m }, text: `${m} minutes` })),
      );
      minutes.value = '30';
      const form = el(
        'form',
        { className: 'pin-form', attrs: { 'aria-label': 'Start a visit timer' } },
        el('label', { attrs: { for: 'visit-note' }, text: 'Where are you going? (optional)' }),
        note,
        el('label', { attrs: { for: 'visit-minutes' }, text: 'Expect me back in' }),
        minutes,
        el('button', { className: 'app-secondary', attrs: { type: 'submit' }, text: 'Start visit' }),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const durationS = Number(minutes.value) * 60;
        const extra: Record<string, unknown> = { durationS };
        if (note.value.trim()) extra.note = note.value.trim();
        localStorage.setItem(AMBER_KEY, String(Date.now() + durationS * 1000));
        void send(newEvent('amber.start', extra));
        // positions while the visit runs (and a while after, should it run out), as far as the browser allows
        track(60, durationS + 10 * 60);
        say('Visit timer started.');
        showVisit();
      });
      view?.visitSlot.replaceChildren(form);
      note.focus();
    });
    view.visitSlot.replaceChildren(start);
    return;
  }
  const at = new Date(due).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const left = el('p', {
    className: 'visit-left',
    attrs: { id: 'visit-left', role: 'timer', 'aria-label': 'Time left on the visit timer' },
  });
  const extend = el('button', {
    className: 'app-secondary',
    attrs: { type: 'button' },
    text: `Add ${EXTEND_MINUTES} minutes`,
  });
  const end = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'End visit' });
  extend.addEventListener('click', () => {
    // spec: amber.extend's durationS counts from now
    const durationS = Math.max(60, Math.round((Math.max(due, Date.now()) - Date.now()) / 1000) + EXTEND_MINUTES * 60);
    localStorage.setItem(AMBER_KEY, String(Date.now() + durationS * 1000));
    void send(newEvent('amber.extend', { durationS }));
    say('Visit timer extended.');
    showVisit();
  });
  end.addEventListener('click', () => askPin('End visit', 'visit', 'amber.end'));
  view.visitSlot.replaceChildren(
    el('p', { className: 'visit-due', text: `Visit timer running: back by ${at}` }),
    left,
    extend,
    end,
  );
  tickVisit(left, due);
}

/** The visit's countdown, redrawn each second while the app is open (a browser pauses timers in the background). */
let visitTicker: ReturnType<typeof setInterval> | null = null;
/** The visit whose warning was said: said once, not every second. */
let warnedFor = 0;

function tickVisit(left: HTMLElement, due: number): void {
  if (visitTicker) clearInterval(visitTicker);
  const draw = () => {
    if (!left.isConnected) {
      clearInterval(visitTicker!);
      visitTicker = null;
      return;
    }
    const leftS = Math.ceil((due - Date.now()) / 1000);
    left.classList.toggle('visit-warning', leftS <= VISIT_WARNING_S);
    if (leftS <= 0) {
      left.textContent = 'Time is up: end the visit or add time, or the alarm centre is alerted.';
      return;
    }
    const clock = `${Math.floor(leftS / 60)}:${String(leftS % 60).padStart(2, '0')}`;
    left.textContent = leftS <= VISIT_WARNING_S ? `${clock} left: end the visit or add time` : `${clock} left`;
    if (leftS <= VISIT_WARNING_S && warnedFor !== due) {
      warnedFor = due;
      say(`Less than ${Math.ceil(VISIT_WARNING_S / 60)} minutes left on the visit timer.`);
      navigator.vibrate?.([200, 100, 200]);
    }
  };
  draw();
  visitTicker = setInterval(draw, 1000);
}

/** A PIN form for sos.cancel or amber.end: the answer, not the PIN, says whether it was taken. */
function askPin(title: string, kind: 'sos' | 'visit', type: 'sos.cancel' | 'amber.end'): void {
  const slot = kind === 'sos' ? view?.cancelSlot : view?.visitSlot;
  if (!slot) return;
  const pin = el('input', {
    attrs: { id: `${kind}-pin`, type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8 },
  });
  const form = el(
    'form',
    { className: 'pin-form', attrs: { 'aria-label': title } },
    el('label', { attrs: { for: `${kind}-pin` }, text: 'PIN' }),
    pin,
    el('button', {
      className: 'app-secondary',
      attrs: { type: 'submit' },
      text: kind === 'sos' ? 'Cancel alarm' : 'End visit now',
    }),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const item = newEvent(type, { pin: pin.value });
    pin.value = '';
    if (pendingCancel) clearTimeout(pendingCancel.timer);
    pendingCancel = {
      id: item.key,
      kind,
      timer: setTimeout(() => {
        pendingCancel = null;
        say(
          kind === 'sos'
            ? 'The alarm was not cancelled. Check the PIN and try again.'
            : 'The visit was not ended. Check the PIN and try again.',
        );
      }, CANCEL_ANSWER_MS),
    };
    if (kind === 'sos') offerCancel(true);
    else showVisit();
    say(kind === 'sos' ? 'Cancelling…' : 'Ending the visit…');
    void send(item);
  });
  slot.replaceChildren(form);
  pin.focus();
}

// ---- Cancelling a sent SOS with the PIN ----------------------------------------------------------

function offerCancel(again = false): void {
  if (!view || (view.cancelSlot.childElementCount && !again)) return;
  const ask = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'Cancel the alarm' });
  ask.addEventListener('click', () => askPin('Cancel the alarm', 'sos', 'sos.cancel'));
  view.cancelSlot.replaceChildren(ask);
}

/**
 * The ARC's answers. A cancel or visit end with the safe PIN and one with the duress PIN get the
 * same answer (spec, "PINs"), and show the same here.
 */
function obey(command: ArcCommand): void {
  const openSos = localStorage.getItem(OPEN_SOS_KEY);
  if (
    pendingCancel &&
    command.eventId === pendingCancel.id &&
    (command.type === 'alarm.received' || command.type === 'session.ended')
  ) {
    clearTimeout(pendingCancel.timer);
    const kind = pendingCancel.kind;
    pendingCancel = null;
    if (kind === 'sos') {
      localStorage.removeItem(OPEN_SOS_KEY);
      view?.cancelSlot.replaceChildren();
      say('Alarm cancelled.');
    } else {
      localStorage.removeItem(AMBER_KEY);
      showVisit();
      say('Visit ended.');
    }
  } else if (command.type === 'alarm.received' && command.eventId === openSos) {
    say('Alarm received: the alarm centre is dealing with it.');
  } else if (command.type === 'alarm.closed' && command.eventId === openSos) {
    localStorage.removeItem(OPEN_SOS_KEY);
    view?.cancelSlot.replaceChildren();
    say('The alarm centre has closed the alarm.');
  } else if (command.type === 'locate') {
    const { everyS, forS } = command as ArcCommand & { everyS?: number; forS?: number };
    track(everyS, forS);
  } else if (command.type === 'alarm.accepted' && command.eventId === openSos) {
    say('An operator has taken your alarm.');
  } else if (command.type === 'message' && typeof (command as { text?: unknown }).text === 'string') {
    say((command as unknown as { text: string }).text.slice(0, 160));
  } else if (command.type === 'config') {
    applyConfig(command as unknown as Record<string, unknown>);
  }
}

// ---- Sending: through the outbox -----------------------------------------------------------------

/** Kept on the phone first, then sent if the link is up; otherwise it goes at the next connection. */
async function send(item: Omit<OutboxItem, 'seq'>, options: { quiet?: boolean } = {}): Promise<void> {
  outbox ??= await openOutbox();
  await outbox.add(item);
  if (!options.quiet && !link?.connected() && item.payload.type === 'sos')
    say('SOS saved on this phone: it goes to the alarm centre as soon as the phone is connected.');
  await flush();
}

let flushing: Promise<void> | null = null;
/** Something was added while a flush was under way (after it had read the outbox): go round again. */
let flushAgain = false;
/** Sends what waits, oldest first, one at a time; each leaves the outbox only once the ARC has stored it. */
function flush(): Promise<void> {
  if (flushing) {
    flushAgain = true;
    return flushing;
  }
  flushing = (async () => {
    try {
      outbox ??= await openOutbox();
      const items = await outbox.all();
      for (let i = 0; i < items.length; i++) {
        if (!link?.connected()) return;
        const item = items[i];
        if (item.channel === 'location') {
          // Fixes kept while offline go together, at most 100 a message (spec, "Location fix").
          const batch = [item];
          while (batch.length < 100 && items[i + 1]?.channel === 'location') batch.push(items[++i]);
          await link.publish('location', batch.length === 1 ? item.payload : batch.map((b) => b.payload));
          for (const sent of batch) await outbox.remove(sent.key);
          continue;
        }
        await link.publish(item.channel, item.payload);
        await outbox.remove(item.key);
        if (
          item.payload.type === 'sos' &&
          !item.payload.discreet &&
          localStorage.getItem(OPEN_SOS_KEY) === item.key &&
          !view?.message.textContent?.startsWith('Alarm received')
        ) {
          say('SOS stored at the alarm centre. Waiting for an operator…');
        }
      }
    } catch {
      // not acknowledged (the link dropped): it stays in the outbox for the next connection
    } finally {
      flushing = null;
      if (flushAgain && link?.connected()) {
        flushAgain = false;
        void flush();
      }
    }
  })();
  return flushing;
}

async function showWaiting(): Promise<void> {
  outbox ??= await openOutbox();
  if ((await outbox.all()).some((i) => i.payload.type === 'sos' && !i.payload.discreet))
    say('SOS saved on this phone: it goes to the alarm centre as soon as the phone is connected.');
}

// ---- Heartbeat: a status with the battery, where the browser tells it ----------------------------

let heartbeat: ReturnType<typeof setInterval> | null = null;
let positionTimer: ReturnType<typeof setInterval> | null = null;
function startHeartbeat(): void {
  if (heartbeat) clearInterval(heartbeat);
  if (positionTimer) clearInterval(positionTimer);
  // a little early, so that one late timer does not look like silence
  heartbeat = setInterval(() => void sendStatus(), Math.max(10, config.heartbeatS * 0.8) * 1000);
  // the position at `locationS`, else at the heartbeat's pace, while the app is open (if it moved);
  // kept offline too: the outbox sends them, in batches, when the connection is back
  const everyS = config.locationS ?? Math.max(10, config.heartbeatS * 0.8);
  positionTimer = setInterval(() => void sendPosition(), everyS * 1000);
}

interface BatteryManager {
  level: number;
  charging: boolean;
}

async function sendStatus(): Promise<void> {
  if (!link?.connected()) return;
  const status: Record<string, unknown> = { ts: Date.now() };
  const getBattery = (navigator as Navigator & { getBattery?: () => Promise<BatteryManager> }).getBattery;
  if (getBattery) {
    try {
      const battery = await getBattery.call(navigator);
      status.batt = Math.round(battery.level * 100);
      status.charging = battery.charging;
    } catch {
      // not told: sent without
    }
  }
  // A status is not kept for later: the next one replaces it.
  await link.publish('status', status).catch(() => {});
}

// ---- Position ------------------------------------------------------------------------------------

function watchPosition(): void {
  if (!('geolocation' in navigator)) return;
  navigator.geolocation.watchPosition(
    (p) =>
      (position = {
        lat: p.coords.latitude,
        lon: p.coords.longitude,
        acc: p.coords.accuracy,
        ts: p.timestamp || Date.now(),
      }),
    () => {},
    { enableHighAccuracy: true, maximumAge: 60_000, timeout: 30_000 },
  );
}

/** The newest position sent: the same fix is not sent twice. */
let lastSentFixTs = 0;
async function sendPosition(): Promise<void> {
  if (!position || position.ts === lastSentFixTs) return;
  lastSentFixTs = position.ts;
  const ts = Math.min(position.ts, Date.now());
  // The fix's own id goes with it: a batch resent after a lost acknowledgement is stored once (ARC migration 020_fix_once).
  const id = `fix-${ts}`;
  await send({
    key: id,
    channel: 'location',
    payload: { id, ts, lat: position.lat, lon: position.lon, acc: position.acc },
  });
}

/** Spec `locate`: a fix now, then every `everyS` seconds for `forS` seconds (while the app is open). */
let tracking: ReturnType<typeof setInterval> | null = null;
function track(everyS = 15, forS = 15 * 60): void {
  if (tracking) clearInterval(tracking);
  const until = Date.now() + forS * 1000;
  void sendPosition();
  tracking = setInterval(
    () => {
      if (Date.now() > until) {
        clearInterval(tracking!);
        tracking = null;
        return;
      }
      void sendPosition();
    },
    Math.max(1, everyS) * 1000,
  );
}

// ---- Start ---------------------------------------------------------------------------------------

if ('serviceWorker' in navigator)
  void navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
const pairing = storedPairing();
if (pairing) pairedView(pairing);
else pairView();
