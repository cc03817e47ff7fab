// The lone-worker app (first slice of issue 11): pair this phone as a device from the
// provisioning page's settings, then one large SOS button with a short countdown the wearer can
// cancel before anything is sent. The SOS goes to the ARC as a protocol v1 event over MQTT on
// WebSocket, with the phone's position when the browser has one; the app says when the ARC has
// stored it and when the centre has received the alarm.
import { el } from '../shared/element.js';
import { openDeviceLink, type ArcCommand, type DeviceLink } from './device-link.js';
import { brokerUrlFor, parsePairing, type Pairing } from './pairing.js';
import './app.css';

/** Seconds between the press and the send: long enough to cancel a pocket press, short for a real one. */
export const SOS_COUNTDOWN_S = 3;
/** The secret stays on this phone only (never shown again); unpairing deletes it. */
const PAIRING_KEY = 'arcangel.app.pairing';

const root = document.getElementById('app')!;
const linkState = document.getElementById('link-state')!;
let link: DeviceLink | null = null;
/** The newest position the browser gave, with its accuracy. */
let position: { lat: number; lon: number; acc: number; ts: number } | null = null;
/** The SOS sent last, to match the ARC's "alarm received". */
let sentEventId: string | null = null;

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
  root.replaceChildren(form);
  showLinkState('offline');
}

// ---- Paired: the SOS button ----------------------------------------------------------------------

function pairedView(pairing: Pairing): void {
  link?.close();
  const message = el('p', { className: 'app-message', attrs: { role: 'status', 'aria-live': 'assertive', id: 'app-message' } });
  const sos = el('button', { className: 'sos-button', attrs: { type: 'button', 'aria-label': 'SOS: call for help' }, text: 'SOS' });
  const unpair = el('button', { className: 'app-quiet', attrs: { type: 'button' }, text: 'Unpair this phone' });
  root.replaceChildren(
    el('h1', { className: 'visually-hidden', text: 'Lone worker' }),
    el('p', { className: 'app-device', text: `This phone is device ${pairing.deviceId}` }),
    sos,
    message,
    unpair,
  );
  sos.addEventListener('click', () => countdown(message));
  unpair.addEventListener('click', () => {
    if (!confirm('Unpair this phone? It will no longer reach the alarm centre until it is paired again.')) return;
    link?.close();
    link = null;
    localStorage.removeItem(PAIRING_KEY);
    pairView();
  });
  link = openDeviceLink(brokerUrlFor(location), pairing, { state: showLinkState, command: (c) => obey(c, message) });
  watchPosition();
}

/** The countdown: cancelling it sends nothing at all. */
function countdown(message: HTMLElement): void {
  const previous = [...root.childNodes];
  let left = SOS_COUNTDOWN_S;
  const count = el('p', { className: 'countdown', attrs: { role: 'timer', 'aria-live': 'assertive' }, text: `Sending SOS in ${left}` });
  const cancel = el('button', { className: 'cancel-button', attrs: { type: 'button' }, text: 'Cancel' });
  const panel = el('section', { className: 'countdown-panel', attrs: { 'aria-label': 'SOS countdown' } }, count, cancel);
  root.replaceChildren(panel);
  cancel.focus();
  const timer = setInterval(() => {
    left -= 1;
    if (left > 0) {
      count.textContent = `Sending SOS in ${left}`;
      return;
    }
    clearInterval(timer);
    root.replaceChildren(...previous);
    void sendSos(message);
  }, 1000);
  cancel.addEventListener('click', () => {
    clearInterval(timer);
    root.replaceChildren(...previous);
    message.textContent = 'SOS cancelled. Nothing was sent.';
  });
}

async function sendSos(message: HTMLElement): Promise<void> {
  if (!link) return;
  const event: Record<string, unknown> = { id: `app-${crypto.randomUUID()}`, type: 'sos', ts: Date.now() };
  if (position) Object.assign(event, { lat: position.lat, lon: position.lon, acc: position.acc });
  sentEventId = event.id as string;
  message.textContent = 'Sending SOS…';
  try {
    await link.publish('events', event);
    if (sentEventId === event.id && !message.textContent.startsWith('Alarm received')) message.textContent = 'SOS stored at the alarm centre. Waiting for an operator…';
  } catch {
    message.textContent = 'SOS not sent yet: it goes as soon as the phone is connected again.';
  }
}

function obey(command: ArcCommand, message: HTMLElement): void {
  if (command.type === 'alarm.received' && (!command.eventId || command.eventId === sentEventId)) {
    message.textContent = 'Alarm received: the alarm centre is dealing with it.';
  } else if (command.type === 'alarm.closed') {
    message.textContent = 'The alarm centre has closed the alarm.';
  } else if (command.type === 'locate') {
    void sendPosition();
  }
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
  if (!link || !position) return;
  await link.publish('location', { ts: Math.min(position.ts, Date.now()), lat: position.lat, lon: position.lon, acc: position.acc }).catch(() => {});
}

// ---- Start ---------------------------------------------------------------------------------------

if ('serviceWorker' in navigator) void navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => {});
const pairing = storedPairing();
if (pairing) pairedView(pairing);
else pairView();
