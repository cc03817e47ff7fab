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
import './app.css';

/** Seconds between the press and the send: long enough to cancel a pocket press, short for a real one. */
export const SOS_COUNTDOWN_S = 3;
/** A cancel the ARC has not answered by then was not taken (a wrong PIN gets no answer: spec, "PINs"). */
const CANCEL_ANSWER_MS = 15_000;
/** The secret stays on this phone only (never shown again); unpairing deletes it. */
const PAIRING_KEY = 'arcangel.app.pairing';
/** The SOS the wearer may still cancel, across a reload. */
const OPEN_SOS_KEY = 'arcangel.app.open-sos';

const root = document.getElementById('app')!;
const linkState = document.getElementById('link-state')!;
let link: DeviceLink | null = null;
let outbox: Outbox | null = null;
/** The newest position the browser gave, with its accuracy. */
let position: { lat: number; lon: number; acc: number; ts: number } | null = null;
/** What the paired view shows; set by pairedView. */
let view: { message: HTMLElement; cancelSlot: HTMLElement } | null = null;
/** The cancel under way: its event id and the timer that gives up on an answer. */
let pendingCancel: { id: string; timer: ReturnType<typeof setTimeout> } | null = null;

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
  const settings = el('textarea', { attrs: { id: 'pairing-settings', rows: 6, autocomplete: 'off', spellcheck: 'false' } });
  const error = el('p', { className: 'app-error', attrs: { role: 'alert' } });
  const form = el(
    'form',
    { className: 'pair-form', attrs: { 'aria-labelledby': 'pair-heading' } },
    el('h1', { attrs: { id: 'pair-heading' }, text: 'Pair this phone' }),
    el('p', { text: 'Paste the settings the alarm centre gave for this phone (the text beside its QR code on the provisioning page). The secret stays on this phone.' }),
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

// ---- Paired: the SOS button ----------------------------------------------------------------------

function pairedView(pairing: Pairing): void {
  link?.close();
  const message = el('p', { className: 'app-message', attrs: { role: 'status', 'aria-live': 'assertive', id: 'app-message' } });
  const cancelSlot = el('div', { className: 'cancel-slot' });
  const sos = el('button', { className: 'sos-button', attrs: { type: 'button', 'aria-label': 'SOS: call for help' }, text: 'SOS' });
  const unpair = el('button', { className: 'app-quiet', attrs: { type: 'button' }, text: 'Unpair this phone' });
  root.replaceChildren(
    el('h1', { className: 'visually-hidden', text: 'Lone worker' }),
    el('p', { className: 'app-device', text: `This phone is device ${pairing.deviceId}` }),
    sos,
    message,
    cancelSlot,
    unpair,
  );
  view = { message, cancelSlot };
  sos.addEventListener('click', () => countdown());
  unpair.addEventListener('click', () => {
    if (!confirm('Unpair this phone? It will no longer reach the alarm centre until it is paired again.')) return;
    link?.close();
    link = null;
    localStorage.removeItem(PAIRING_KEY);
    localStorage.removeItem(OPEN_SOS_KEY);
    pairView();
  });
  link = openDeviceLink(brokerUrlFor(location), pairing, { state: showLinkState, command: obey, connected: () => void flush() });
  watchPosition();
  void showWaiting();
  if (localStorage.getItem(OPEN_SOS_KEY)) offerCancel();
}

/** The countdown: cancelling it sends nothing at all. */
function countdown(): void {
  const previous = [...root.childNodes];
  let left = SOS_COUNTDOWN_S;
  const count = el('p', { className: 'countdown', attrs: { role: 'timer', 'aria-live': 'assertive' }, text: `Sending SOS in ${left}` });
  const cancel = el('button', { className: 'cancel-button', attrs: { type: 'button' }, text: 'Cancel' });
  root.replaceChildren(el('section', { className: 'countdown-panel', attrs: { 'aria-label': 'SOS countdown' } }, count, cancel));
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

async function sendSos(): Promise<void> {
  const event: Record<string, unknown> = { id: `app-${crypto.randomUUID()}`, type: 'sos', ts: Date.now() };
  if (position) Object.assign(event, { lat: position.lat, lon: position.lon, acc: position.acc });
  localStorage.setItem(OPEN_SOS_KEY, event.id as string);
  await send({ key: event.id as string, channel: 'events', payload: event });
  offerCancel();
}

// ---- Cancelling a sent SOS with the PIN ----------------------------------------------------------

function offerCancel(): void {
  if (!view || view.cancelSlot.childElementCount) return;
  const ask = el('button', { className: 'app-secondary', attrs: { type: 'button' }, text: 'Cancel the alarm' });
  ask.addEventListener('click', () => {
    const pin = el('input', { attrs: { id: 'cancel-pin', type: 'password', inputmode: 'numeric', autocomplete: 'off', maxlength: 8 } });
    const form = el(
      'form',
      { className: 'pin-form', attrs: { 'aria-label': 'Cancel the alarm' } },
      el('label', { attrs: { for: 'cancel-pin' }, text: 'PIN' }),
      pin,
      el('button', { className: 'app-secondary', attrs: { type: 'submit' }, text: 'Cancel alarm' }),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const event = { id: `app-${crypto.randomUUID()}`, type: 'sos.cancel', ts: Date.now(), pin: pin.value };
      pin.value = '';
      if (pendingCancel) clearTimeout(pendingCancel.timer);
      pendingCancel = {
        id: event.id,
        timer: setTimeout(() => {
          pendingCancel = null;
          say('The alarm was not cancelled. Check the PIN and try again.');
        }, CANCEL_ANSWER_MS),
      };
      view?.cancelSlot.replaceChildren(ask);
      say('Cancelling…');
      void send({ key: event.id, channel: 'events', payload: event });
    });
    view?.cancelSlot.replaceChildren(form);
    pin.focus();
  });
  view.cancelSlot.replaceChildren(ask);
}

/** The ARC's answers. A cancel with the safe PIN and one with the duress PIN get the same answer, and show the same here. */
function obey(command: ArcCommand): void {
  const openSos = localStorage.getItem(OPEN_SOS_KEY);
  if (command.type === 'alarm.received' && pendingCancel && command.eventId === pendingCancel.id) {
    clearTimeout(pendingCancel.timer);
    pendingCancel = null;
    localStorage.removeItem(OPEN_SOS_KEY);
    view?.cancelSlot.replaceChildren();
    say('Alarm cancelled.');
  } else if (command.type === 'alarm.received' && command.eventId === openSos) {
    say('Alarm received: the alarm centre is dealing with it.');
  } else if (command.type === 'alarm.closed' && command.eventId === openSos) {
    localStorage.removeItem(OPEN_SOS_KEY);
    view?.cancelSlot.replaceChildren();
    say('The alarm centre has closed the alarm.');
  } else if (command.type === 'locate') {
    void sendPosition();
  }
}

// ---- Sending: through the outbox -----------------------------------------------------------------

/** Kept on the phone first, then sent if the link is up; otherwise it goes at the next connection. */
async function send(item: Omit<OutboxItem, 'seq'>): Promise<void> {
  outbox ??= await openOutbox();
  await outbox.add(item);
  if (!link?.connected() && item.channel === 'events') say('SOS saved on this phone: it goes to the alarm centre as soon as the phone is connected.');
  await flush();
}

let flushing: Promise<void> | null = null;
/** Sends what waits, oldest first, one at a time; each leaves the outbox only once the ARC has stored it. */
function flush(): Promise<void> {
  flushing ??= (async () => {
    try {
      outbox ??= await openOutbox();
      for (const item of await outbox.all()) {
        if (!link?.connected()) return;
        await link.publish(item.channel, item.payload);
        await outbox.remove(item.key);
        if (item.payload.type === 'sos' && localStorage.getItem(OPEN_SOS_KEY) === item.key && !view?.message.textContent?.startsWith('Alarm received')) {
          say('SOS stored at the alarm centre. Waiting for an operator…');
        }
      }
    } catch {
      // not acknowledged (the link dropped): it stays in the outbox for the next connection
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

async function showWaiting(): Promise<void> {
  outbox ??= await openOutbox();
  if ((await outbox.all()).some((i) => i.payload.type === 'sos')) say('SOS saved on this phone: it goes to the alarm centre as soon as the phone is connected.');
}

// ---- Position ------------------------------------------------------------------------------------

function watchPosition(): void {
  if (!('geolocation' in navigator)) return;
  navigator.geolocation.watchPosition(
    (p) => (position = { lat: p.coords.latitude, lon: p.coords.longitude, acc: p.coords.accuracy, ts: p.timestamp || Date.now() }),
    () => {},
    { enableHighAccuracy: true, maximumAge: 60_000, timeout: 30_000 },
  );
}

async function sendPosition(): Promise<void> {
  if (!position) return;
  const ts = Math.min(position.ts, Date.now());
  await send({ key: `fix-${ts}`, channel: 'location', payload: { ts, lat: position.lat, lon: position.lon, acc: position.acc } });
}

// ---- Start ---------------------------------------------------------------------------------------

if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
const pairing = storedPairing();
if (pairing) pairedView(pairing);
else pairView();
