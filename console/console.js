// The operator console page: log in, then the open alarms, kept current the traccar-web way
// (STYLE habit 4): the REST snapshot on every (re)connect, the Socket.IO feed for changes between.
// The server stores no socket events, so nothing here trusts the socket alone.
import { applyAlarm, isAlarmView, orderedAlarms } from './alarm-queue.js';
import { ageText, alarmMarks, alarmTypeText, positionText, statusText, wearerText } from './alarm-text.js';

/** @typedef {import('../api/live/console-contract.js').AlarmView} AlarmView */
/** @typedef {{ id: string, email: string, name: string, role: string }} User */
/** @typedef {{ code: string, message: string, details?: any }} ApiError */
/** @typedef {{ ok: true, status: number, body: any } | { ok: false, status: number, error: ApiError }} ApiResult */

/** The Socket.IO client that index.html loads from the ARC (/socket.io/socket.io.min.js). */
const io = /** @type {typeof import('socket.io-client').io} */ (/** @type {any} */ (window).io);

/** OPERATOR_NAMESPACE of api/live/console-contract.ts (a plain module cannot import TypeScript). */
const OPERATOR_NAMESPACE = '/operator';
const APP_TITLE = 'ArcAngel ARC console';
const FLASH_MS = 4000;
const RETRY_MS = 3000;
/** Below this, a difference between our clock and the ARC's is the Date header's rounding. */
const CLOCK_SKEW_IGNORED_MS = 2000;

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting… the list may be out of date',
  offline: 'Offline: the ARC cannot be reached. Retrying… the list may be out of date',
};

const byId = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const page = {
  loading: byId('loading'),
  login: byId('login'),
  loginForm: /** @type {HTMLFormElement} */ (byId('login-form')),
  loginEmail: /** @type {HTMLInputElement} */ (byId('login-email')),
  loginPassword: /** @type {HTMLInputElement} */ (byId('login-password')),
  loginSubmit: /** @type {HTMLButtonElement} */ (byId('login-submit')),
  loginError: byId('login-error'),
  staffOnly: byId('staff-only'),
  queue: byId('queue'),
  queueEmpty: byId('queue-empty'),
  queueTable: byId('queue-table'),
  queueRows: /** @type {HTMLTableSectionElement} */ (byId('queue-rows')),
  openCount: byId('open-count'),
  connection: byId('connection'),
  signedIn: byId('signed-in'),
  userName: byId('user-name'),
  logOut: byId('log-out'),
  announcer: byId('announcer'),
};

/** @type {{ stop(): void } | null} */
let feed = null;

// ---- HTTP ------------------------------------------------------------------------------------

/**
 * Every API call; the session cookie goes along by itself (same origin). Never throws.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<ApiResult & { date: number | null }>}
 */
async function callApi(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, date: null, error: { code: 'NETWORK', message: 'The ARC cannot be reached' } };
  }
  const date = Date.parse(response.headers.get('date') ?? '') || null;
  const json = await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, date, body: json };
  const error = json?.error?.code ? json.error : { code: `HTTP_${response.status}`, message: `The ARC answered ${response.status}` };
  return { ok: false, status: response.status, date, error };
}

// ---- Screens ---------------------------------------------------------------------------------

/** @param {'loading' | 'login' | 'staff-only' | 'queue'} screen */
function show(screen) {
  page.loading.hidden = screen !== 'loading';
  page.login.hidden = screen !== 'login';
  page.staffOnly.hidden = screen !== 'staff-only';
  page.queue.hidden = screen !== 'queue';
  page.signedIn.hidden = screen !== 'staff-only' && screen !== 'queue';
  page.connection.hidden = screen !== 'queue';
  if (screen === 'login') document.title = `Log in — ${APP_TITLE}`;
  if (screen === 'staff-only') document.title = APP_TITLE;
}

/** @param {string} message */
function showLogin(message) {
  feed?.stop();
  feed = null;
  page.loginError.textContent = message;
  show('login');
  page.loginEmail.focus();
}

function showStaffOnly() {
  feed?.stop();
  feed = null;
  show('staff-only');
}

/** @param {User} user */
function enterConsole(user) {
  page.userName.textContent = `${user.name} (${user.role})`;
  show('queue');
  feed?.stop();
  feed = startFeed();
}

/** @param {ApiError} error */
function loginFailureText(error) {
  const retryAfterS = error.details?.retryAfterS;
  if (error.code === 'ARC_ERR_AUTH_THROTTLED' && typeof retryAfterS === 'number') {
    return `${error.message} (about ${retryAfterS} s).`;
  }
  return error.message;
}

page.loginForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  page.loginSubmit.disabled = true;
  page.loginError.textContent = '';
  const result = await callApi('POST', '/api/auth/login', { email: page.loginEmail.value.trim(), password: page.loginPassword.value });
  page.loginSubmit.disabled = false;
  if (!result.ok) {
    page.loginError.textContent = loginFailureText(result.error);
    return;
  }
  page.loginForm.reset();
  enterConsole(result.body.user);
});

page.logOut.addEventListener('click', async () => {
  feed?.stop();
  feed = null;
  const result = await callApi('POST', '/api/auth/logout');
  showLogin(result.ok ? '' : `Log-out failed: ${result.error.message}`);
});

// ---- The live queue --------------------------------------------------------------------------

/** A console session's feed: snapshot + socket + the ticking ages. stop() leaves nothing running. */
function startFeed() {
  /** @type {Map<string, AlarmView>} */
  const alarms = new Map();
  /** @type {AlarmView[] | null} Pushes that arrive while a snapshot loads, replayed on top of it. */
  let pending = null;
  let generation = 0;
  let loadedOnce = false;
  let stopped = false;
  /** The ARC's clock minus ours, when they differ by more than the Date header's rounding. */
  let clockOffsetMs = 0;
  /** @type {ReturnType<typeof setTimeout>[]} */
  const timers = [];
  const later = (/** @type {() => void} */ fn, /** @type {number} */ ms) => timers.push(setTimeout(() => stopped || fn(), ms));

  const socket = io(OPERATOR_NAMESPACE, { autoConnect: false });

  /** @param {keyof typeof CONNECTION_TEXT} state */
  function setConnection(state) {
    page.connection.dataset.state = state;
    page.connection.textContent = CONNECTION_TEXT[state];
    page.queue.toggleAttribute('data-stale', state !== 'connected');
  }

  function draw(/** @type {Set<string>} */ arrived = new Set()) {
    const now = Date.now() + clockOffsetMs;
    const existing = new Map([...page.queueRows.rows].map((row) => [row.dataset.alarmId, row]));
    const rows = orderedAlarms(alarms).map((alarm) => {
      const row = existing.get(alarm.id) ?? document.createElement('tr');
      fillRow(row, alarm, now);
      if (arrived.has(alarm.id)) flash(row, alarm);
      return row;
    });
    placeRows(page.queueRows, rows);
    page.openCount.textContent = String(rows.length);
    page.queueEmpty.hidden = rows.length > 0;
    page.queueTable.hidden = rows.length === 0;
    document.title = `(${rows.length}) ${APP_TITLE}`;
  }

  /** @param {HTMLTableRowElement} row @param {AlarmView} alarm */
  function flash(row, alarm) {
    row.classList.add('is-new');
    later(() => row.classList.remove('is-new'), FLASH_MS);
    page.announcer.textContent = `New alarm: ${alarmTypeText(alarm)}, ${wearerText(alarm)}, priority ${alarm.priority}`;
  }

  function tick() {
    const now = Date.now() + clockOffsetMs;
    for (const row of page.queueRows.rows) {
      const age = row.querySelector('td.age');
      if (age) age.textContent = ageText(now - Number(row.dataset.receivedAt));
    }
  }

  /** Loads the snapshot, then replays what was pushed meanwhile; retries until it succeeds. */
  async function resync() {
    const mine = ++generation;
    pending = [];
    const result = await callApi('GET', '/api/alarms');
    if (stopped || mine !== generation) return;
    if (!result.ok) {
      if (result.error.code === 'ARC_ERR_AUTH_REQUIRED') return showLogin('Your session has ended. Log in again.');
      if (result.error.code === 'ARC_ERR_FORBIDDEN') return showStaffOnly();
      setConnection('offline');
      later(() => {
        if (mine === generation) void resync();
      }, RETRY_MS);
      return;
    }
    if (result.date !== null) {
      const offset = result.date - Date.now();
      clockOffsetMs = Math.abs(offset) > CLOCK_SKEW_IGNORED_MS ? offset : 0;
    }
    const before = new Set(alarms.keys());
    alarms.clear();
    const snapshot = Array.isArray(result.body?.alarms) ? result.body.alarms : [];
    for (const alarm of snapshot.filter(isAlarmView)) alarms.set(alarm.id, alarm);
    for (const alarm of pending) applyAlarm(alarms, alarm);
    pending = null;
    // The first snapshot is the queue as found, not news; later ones may bring missed alarms.
    const arrived = loadedOnce ? new Set([...alarms.keys()].filter((id) => !before.has(id))) : new Set();
    loadedOnce = true;
    draw(arrived);
    if (socket.connected) setConnection('connected');
  }

  /** @param {unknown} alarm */
  function onPush(alarm) {
    if (!isAlarmView(alarm)) return;
    if (pending) {
      pending.push(alarm);
      return;
    }
    const isNew = applyAlarm(alarms, alarm);
    draw(isNew ? new Set([alarm.id]) : undefined);
  }

  socket.on('alarm:raised', onPush);
  socket.on('alarm:updated', onPush);
  socket.on('connect', () => {
    setConnection('connecting');
    void resync();
  });
  socket.on('disconnect', (/** @type {string} */ reason) => {
    if (stopped) return;
    setConnection('reconnecting');
    // The client only retries by itself after a lost connection, not after the server let go.
    if (reason === 'io server disconnect') later(() => socket.connect(), RETRY_MS);
  });
  socket.on('connect_error', (/** @type {Error & { data?: { code?: string } }} */ err) => {
    const code = err.data?.code;
    if (code === 'ARC_ERR_AUTH_REQUIRED') return showLogin('Your session has ended. Log in again.');
    if (code === 'ARC_ERR_FORBIDDEN') return showStaffOnly();
    setConnection('offline');
    // Refused by the namespace for another reason (ARC_ERR_NOT_READY): the client will not retry.
    if (!socket.active) later(() => socket.connect(), RETRY_MS);
  });
  const onOffline = () => setConnection('offline');
  const onOnline = () => socket.connected || socket.connect();
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  const ticker = setInterval(tick, 1000);

  setConnection('connecting');
  page.queueRows.replaceChildren();
  draw();
  // The snapshot and the connection start together; every connect loads the snapshot again,
  // which covers whatever was raised between the two.
  void resync();
  socket.connect();

  return {
    stop() {
      stopped = true;
      socket.removeAllListeners();
      socket.disconnect();
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      page.queueRows.replaceChildren();
    },
  };
}

/**
 * @param {HTMLTableRowElement} row
 * @param {AlarmView} alarm
 * @param {number} now the ARC's time, in ms
 */
function fillRow(row, alarm, now) {
  const receivedAt = Date.parse(alarm.receivedAt);
  row.dataset.alarmId = alarm.id;
  row.dataset.receivedAt = String(receivedAt);
  for (let p = 1; p <= 5; p++) row.classList.toggle(`priority-${p}`, alarm.priority === p);

  const badge = textElement('span', 'priority', `P${alarm.priority}`);
  badge.title = `Priority ${alarm.priority}`;
  const marks = alarmMarks(alarm).map((mark) => textElement('span', `mark mark-${mark.kind}`, mark.text));
  row.replaceChildren(
    cell('priority-cell', badge),
    cell('type', alarmTypeText(alarm)),
    cell('wearer', wearerText(alarm)),
    cell('device', alarm.deviceLabel),
    cell('age', ageText(now - receivedAt)),
    cell('position', positionText(alarm.position)),
    cell('status', statusText(alarm)),
    cell('marks', ...marks),
  );
}

/** @param {string} className @param {...(string | Node)} content */
function cell(className, ...content) {
  const td = document.createElement('td');
  td.className = className;
  // append() puts strings in as text nodes: data never becomes markup.
  td.append(...content);
  return td;
}

/** @param {string} tag @param {string} className @param {string} text */
function textElement(tag, className, text) {
  const element = document.createElement(tag);
  element.className = className;
  element.textContent = text;
  return element;
}

/**
 * Puts the rows in this order, moving only those out of place so a flashing row keeps flashing.
 * @param {HTMLElement} body
 * @param {HTMLElement[]} rows
 */
function placeRows(body, rows) {
  let cursor = body.firstElementChild;
  for (const row of rows) {
    if (row === cursor) cursor = cursor.nextElementSibling;
    else body.insertBefore(row, cursor);
  }
  // What is left after the last wanted row is gone from the queue.
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}

// ---- Start -----------------------------------------------------------------------------------

const me = await callApi('GET', '/api/auth/me');
if (me.ok) enterConsole(me.body.user);
else showLogin(me.error.code === 'ARC_ERR_AUTH_REQUIRED' ? '' : me.error.message);
