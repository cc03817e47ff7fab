// The operator console: log in, then the alarm queue with the open alarm's detail, the devices
// and, for supervisors, the supervisor view; each reached by its own address (#/alarms,
// #/alarms/<id>, #/devices, #/supervisor). The connection line is always in view.
import type { AlarmView, ClosureCodeOption, ConsoleConfig, UserView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { wireLoginForm } from '../shared/login-form.js';
import { createAlertTone } from '../shared/alert-tone.js';
import { byId } from '../shared/element.js';
import { CONNECTION_TEXT, type ConnectionState } from '../shared/live-socket.js';
import type { MapTiles } from '../shared/map-view.js';
import { topUnaccepted } from './alarm-queue.js';
import { shouldSound, waitingForAccept } from './alarm-attention.js';
import { el } from '../shared/element.js';
import { useCallTemplate } from '../shared/call-link.js';
import { useAddressLookup } from '../shared/address-lookup.js';
import { durationText } from '../shared/format.js';
import { frameTask } from '../shared/frame-task.js';
import { alarmTypeText, wearerText } from './alarm-text.js';
import { createAlarmDetail, type AlarmDetail } from './alarm-detail.js';
import { startAlarmFeed, type AlarmFeed, type QueueChange } from './alarm-feed.js';
import { isManager } from './action-panel.js';
import { createDevicesView, type DevicesView } from './devices-view.js';
import { createQueueView } from './queue-view.js';
import { showHandoverNotes } from './handover-notes.js';
import { createFloodBar } from './flood-bar.js';
import { createSupervisorView } from './supervisor-view.js';
import { createInsightView } from './insight-view.js';
import { createAdminView, type AdminView } from '../admin/admin-view.js';
import './console.css';

const APP_TITLE = 'ArcAngel ARC console';
const STAFF = new Set(['administrator', 'supervisor', 'operator']);

const page = {
  loading: byId('loading'),
  login: byId('login'),
  loginEmail: byId<HTMLInputElement>('login-email'),
  loginError: byId('login-error'),
  staffOnly: byId('staff-only'),
  nav: byId('views-nav'),
  supervisorLink: byId('supervisor-link'),
  insightLink: byId('insight-link'),
  adminLink: byId('admin-link'),
  alarmsView: byId('alarms-view'),
  queue: byId('queue'),
  detail: byId('alarm-detail'),
  devicesView: byId('devices-view'),
  supervisorView: byId('supervisor-view'),
  insightView: byId('insight-view'),
  adminView: byId('admin-view'),
  connection: byId('connection'),
  signedIn: byId('signed-in'),
  sound: byId<HTMLButtonElement>('sound'),
  soundBlocked: byId('sound-blocked'),
  connectionLost: byId('connection-lost'),
  arrivals: byId('arrivals'),
  userName: byId('user-name'),
  logOut: byId('log-out'),
  announcer: byId('announcer'),
};

const allViews = () => [page.alarmsView, page.devicesView, page.supervisorView, page.insightView, page.adminView];

const tone = createAlertTone();
let session: { stop(): void } | null = null;

type Screen = 'loading' | 'login' | 'staff-only' | 'console';

function show(screen: Screen): void {
  page.loading.hidden = screen !== 'loading';
  page.login.hidden = screen !== 'login';
  page.staffOnly.hidden = screen !== 'staff-only';
  page.signedIn.hidden = screen !== 'staff-only' && screen !== 'console';
  page.sound.hidden = screen !== 'console';
  page.soundBlocked.hidden = screen !== 'console' || tone.state !== 'blocked';
  if (screen !== 'console') page.connectionLost.hidden = page.arrivals.hidden = true;
  page.nav.hidden = screen !== 'console';
  page.connection.hidden = screen !== 'console';
  if (screen !== 'console') for (const view of allViews()) view.hidden = true;
  if (screen === 'login') document.title = `Log in — ${APP_TITLE}`;
  if (screen === 'staff-only') document.title = APP_TITLE;
}

function endSession(): void {
  session?.stop();
  session = null;
}

function showLogin(message: string): void {
  endSession();
  page.loginError.textContent = message;
  show('login');
  page.loginEmail.focus();
}

function showStaffOnly(): void {
  endSession();
  show('staff-only');
}

function enterConsole(user: UserView): void {
  endSession();
  page.userName.textContent = `${user.name} (${user.role === 'organisation_manager' ? 'organisation manager' : user.role})`;
  if (user.role === 'organisation_manager') {
    show('console');
    session = startOrganisationSession(user);
    return;
  }
  if (!STAFF.has(user.role)) return showStaffOnly();
  show('console');
  session = startSession(user);
}

wireLoginForm(enterConsole);

page.logOut.addEventListener('click', async () => {
  endSession();
  const result = await callApi('POST', '/api/auth/logout');
  showLogin(result.ok ? '' : `Log-out failed: ${result.error.message}`);
});

// The sound setting: a button that says what it is; remembered across reloads, and a banner
// while the browser holds the sound back.
tone.onState((state) => {
  page.sound.setAttribute('aria-pressed', String(state !== 'off'));
  page.sound.textContent = state === 'off' ? 'Enable sound' : 'Sound on';
  page.soundBlocked.hidden = page.sound.hidden || state !== 'blocked';
});
tone.restore();

page.sound.addEventListener('click', async () => {
  if (tone.enabled) tone.disable();
  else if (await tone.enable()) tone.play();
  // Desktop notifications for alarms that arrive while the tab is hidden: asked on this click.
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
});

/** How long one alert tone sounds, rounded up (shared/alert-tone.ts). */
const TONE_MS = 600;
/** Up to this many new alarms at once, outside a flood, get a desktop notification each. */
const NOTIFY_EACH_AT_MOST = 3;
/** The one notification a flood gets, replaced as more arrive (same tag: it does not sound again). */
const FLOOD_NOTIFICATION_TAG = 'arc-new-alarms';
/** Alarms told in the flood notification since the tab was last in view. */
const toldWhileHidden = { alarms: 0, urgent: 0 };
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') toldWhileHidden.alarms = toldWhileHidden.urgent = 0;
});

/**
 * New alarms told by desktop notification while the tab is hidden: one each, as they come; in a
 * flood (or many at once) one notification that counts them, replaced as more arrive, since a
 * notification per alarm would bury the operator's screen under hundreds they must each dismiss.
 */
function notifyDesktop(arrived: readonly AlarmView[], flood: boolean, open: (id: string) => void): void {
  if (arrived.length === 0) return;
  if (document.visibilityState !== 'hidden' || !('Notification' in window) || Notification.permission !== 'granted')
    return;
  if (!flood && arrived.length <= NOTIFY_EACH_AT_MOST) {
    for (const alarm of arrived) {
      const note = new Notification(`New alarm: ${alarmTypeText(alarm)} — ${wearerText(alarm)}`, {
        body: `Priority ${alarm.priority}. Open the console to accept it.`,
        tag: alarm.id,
        requireInteraction: alarm.priority <= 2,
      });
      note.onclick = () => {
        window.focus();
        open(alarm.id);
        note.close();
      };
    }
    return;
  }
  toldWhileHidden.alarms += arrived.length;
  toldWhileHidden.urgent += arrived.filter((alarm) => alarm.priority <= 2).length;
  const note = new Notification(`${toldWhileHidden.alarms} new alarms`, {
    body: `${toldWhileHidden.urgent} of priority 1 or 2. Open the console to see them.`,
    tag: FLOOD_NOTIFICATION_TAG,
    requireInteraction: toldWhileHidden.urgent > 0,
  });
  note.onclick = () => {
    window.focus();
    note.close();
  };
}

/**
 * The arrivals bar: every alarm nobody has accepted, in view whatever the operator is doing.
 * `sorted` is the queue's order, in which those nobody holds already come by priority, then
 * longest waiting (waitingAlarms' order); the queue keeps their count, so a frame in a flood reads
 * only as far as the first four rather than filtering thousands.
 */
function drawArrivals(
  sorted: readonly AlarmView[],
  waitingCount: number,
  now: number,
  open: (id: string) => void,
): void {
  page.arrivals.hidden = waitingCount === 0;
  if (!waitingCount) return page.arrivals.replaceChildren();
  const shown: AlarmView[] = [];
  for (const alarm of sorted) {
    if (shown.length === 4) break;
    if (waitingForAccept(alarm)) shown.push(alarm);
  }
  page.arrivals.replaceChildren(
    el('span', { className: 'arrivals-count', text: `${waitingCount} waiting to be accepted:` }),
    ...shown.map((a) =>
      el('button', {
        className: `priority-${a.priority}`,
        attrs: { type: 'button' },
        text: `P${a.priority} ${alarmTypeText(a)} — ${wearerText(a)} · ${durationText(now - Date.parse(a.receivedAt))}`,
        on: { click: () => open(a.id) },
      }),
    ),
    waitingCount > shown.length ? el('span', { text: `and ${waitingCount - shown.length} more` }) : '',
  );
}

// ---- An organisation manager's session ---------------------------------------------------------

/**
 * An organisation manager administers their own organisation (the ARC scopes every answer to it):
 * the administration screens only. No live feed and no alarm handling: that is the ARC's work.
 */
function startOrganisationSession(me: UserView): { stop(): void } {
  const links = [...page.nav.querySelectorAll<HTMLAnchorElement>('a')];
  for (const link of links) link.hidden = link.dataset.view !== 'admin';
  page.connection.hidden = true;
  page.sound.hidden = true;
  let stopped = false;
  let admin: AdminView | null = null;
  function go(hash: string): void {
    if (location.hash !== hash) location.hash = hash;
    else route();
  }
  function route(): void {
    if (stopped || !admin) return;
    const [, name, id, subId] = location.hash.split('/');
    if (name !== 'admin') return go('#/admin/wearers');
    for (const view of allViews()) view.hidden = view !== page.adminView;
    links.forEach((link) =>
      link.dataset.view === 'admin' ? link.setAttribute('aria-current', 'page') : link.removeAttribute('aria-current'),
    );
    admin.show(id, subId);
  }
  void callApi<ConsoleConfig>('GET', '/api/console-config').then((config) => {
    if (stopped) return;
    const tiles: MapTiles = config.ok
      ? { url: config.body.mapTilesUrl, attribution: config.body.mapAttribution }
      : { url: null, attribution: '' };
    admin = createAdminView({ me, tiles, now: () => Date.now(), go });
    route();
  });
  window.addEventListener('hashchange', route);
  return {
    stop() {
      stopped = true;
      window.removeEventListener('hashchange', route);
      admin?.hide();
      // The staff session decides these links itself: Alarms and Devices are everyone's there.
      for (const link of links)
        if (link.dataset.view === 'alarms' || link.dataset.view === 'devices') link.hidden = false;
    },
  };
}

// ---- A signed-in session ---------------------------------------------------------------------

type View = 'alarms' | 'devices' | 'supervisor' | 'insight' | 'admin';

function startSession(me: UserView): { stop(): void } {
  const manager = isManager(me);
  page.supervisorLink.hidden = !manager;
  page.insightLink.hidden = !manager;
  page.adminLink.hidden = !manager;
  let stopped = false;
  let view: View | null = null;
  let detail: AlarmDetail | null = null;
  let devices: DevicesView | null = null;
  let admin: AdminView | null = null;
  const setup = Promise.all([
    callApi<ConsoleConfig>('GET', '/api/console-config'),
    callApi<{ closureCodes: ClosureCodeOption[] }>('GET', '/api/closure-codes'),
  ]).then(([config, codes]) => {
    // Phone numbers become links of the ARC's dialler (tel: unless configured).
    useCallTemplate(config.ok ? config.body.callUriTemplate : null);
    useAddressLookup(config.ok && config.body.reverseGeocoding);
    return {
      tiles: (config.ok
        ? { url: config.body.mapTilesUrl, attribution: config.body.mapAttribution }
        : { url: null, attribution: '' }) satisfies MapTiles,
      closureCodes: codes.ok ? codes.body.closureCodes : [],
    };
  });

  let connected = false;
  let everConnected = false;
  let lastSoundAt = 0;
  function sound(): void {
    tone.play();
    lastSoundAt = Date.now();
  }

  function setConnection(state: ConnectionState): void {
    // A lost live connection sounds and shows at once: new alarms cannot reach this page.
    if (connected && state !== 'connected') sound();
    connected = state === 'connected';
    everConnected ||= connected;
    page.connectionLost.hidden = connected || !everConnected;
    page.connection.dataset.state = state;
    page.connection.textContent = CONNECTION_TEXT[state];
    // While the list may be out of date it says so by fading, never by emptying.
    document.body.toggleAttribute('data-stale', state !== 'connected');
  }

  // A flood brings hundreds of pushes a second: each goes into the model at once (the queue's
  // order, the count, what A accepts), while the sound, the announcement and the views drawn
  // from every alarm (title, arrivals bar, floods, supervisor) follow once per frame, and in a
  // flood a few times a second (queue-view.ts).
  const news = new Map<string, 'New' | 'Overdue'>();

  // The announcement is assertive (each one cuts off the one before): alarm by alarm while they
  // come a few at a time; in a flood a count, at most once each FLOOD_ANNOUNCE_EVERY_MS, so a
  // screen-reader user hears whole sentences rather than five broken ones a second.
  const FLOOD_ANNOUNCE_EVERY_MS = 4000;
  const unannounced = { alarms: 0, urgent: 0 };
  let announcedAt = -Infinity;
  let announceTimer: ReturnType<typeof setTimeout> | undefined;
  function announce(heard: { alarm: AlarmView; word: 'New' | 'Overdue' }[], flood: boolean): void {
    if (!flood && unannounced.alarms === 0) {
      const said = heard
        .slice(0, 5)
        .map(({ alarm: a, word }) => `${word} alarm: ${alarmTypeText(a)}, ${wearerText(a)}, priority ${a.priority}`);
      if (heard.length > said.length) said.push(`and ${heard.length - said.length} more`);
      page.announcer.textContent = said.join('. ');
      announcedAt = performance.now();
      return;
    }
    unannounced.alarms += heard.length;
    unannounced.urgent += heard.filter(({ alarm }) => alarm.priority <= 2).length;
    if (announceTimer !== undefined) return;
    announceTimer = setTimeout(
      () => {
        announceTimer = undefined;
        if (stopped) return;
        page.announcer.textContent = `${unannounced.alarms} alarms new or overdue, ${unannounced.urgent} of priority 1 or 2.`;
        unannounced.alarms = unannounced.urgent = 0;
        announcedAt = performance.now();
      },
      Math.max(0, announcedAt + FLOOD_ANNOUNCE_EVERY_MS - performance.now()),
    );
  }

  const frame = frameTask(() => {
    const now = feed.now();
    document.title = `(${feed.alarms.size}) ${APP_TITLE}`;
    const heard = [...news].flatMap(([id, word]) => {
      const alarm = feed.alarms.get(id);
      return alarm ? [{ alarm, word }] : [];
    });
    news.clear();
    if (heard.length) {
      // Not over a tone still sounding (0.55 s, shared/alert-tone.ts): in a flood the frame comes
      // five times a second, and overlapping tones are noise, not news.
      if (Date.now() - lastSoundAt >= TONE_MS) sound();
      const flood = queue.drawGapMs() > 0;
      announce(heard, flood);
      notifyDesktop(
        heard.filter(({ word }) => word === 'New').map(({ alarm }) => alarm),
        flood,
        (id) => go(`#/alarms/${id}`),
      );
    }
    supervisor.alarmsChanged();
    drawArrivals(queue.all(), queue.waitingCount(), now, (id) => go(`#/alarms/${id}`));
    drawFloodsSoon();
  });

  // The flood bar groups every open alarm (api/rules/alarm-flood.ts): in a storm of 200 a second on
  // 5,000 open that was a quarter of the page's frame time (CPU profile, 2026-12-05), for a bar a
  // supervisor reads in seconds. It is drawn at most once a second, the last change always drawn.
  const FLOODS_EVERY_MS = 1000;
  let floodsDrawnAt = -Infinity;
  let floodsTimer: ReturnType<typeof setTimeout> | undefined;
  function drawFloodsSoon(): void {
    if (!floods || floodsTimer !== undefined) return;
    const drawFloods = () => {
      floodsTimer = undefined;
      floodsDrawnAt = performance.now();
      if (!stopped) floods.draw(feed.alarms.values());
    };
    const wait = floodsDrawnAt + FLOODS_EVERY_MS - performance.now();
    if (wait <= 0) drawFloods();
    else floodsTimer = setTimeout(drawFloods, wait);
  }

  function onChange(change: QueueChange): void {
    const flash = new Set([...change.arrived, ...change.escalated]);
    queue.draw(feed.alarms, feed.now(), flash, change.resynced ? undefined : change.changed);
    for (const id of flash) {
      const alarm = feed.alarms.get(id);
      if (!alarm) continue;
      news.set(id, change.escalated.has(id) ? 'Overdue' : 'New');
    }
    if (detail?.alarmId && (change.resynced || change.changed.some((a) => a.id === detail!.alarmId))) detail.refresh();
    // In a flood the title, the arrivals bar and the announcement follow the queue's pace.
    frame.scheduleAfter(queue.drawGapMs());
  }

  const feed: AlarmFeed = startAlarmFeed({
    onState: setConnection,
    onChange: (change) => onChange(change),
    onMoved(moved) {
      detail?.moved(moved);
      devices?.moved(moved);
    },
    onRefused: (code) =>
      code === 'ARC_ERR_AUTH_REQUIRED' ? showLogin('Your session has ended. Log in again.') : showStaffOnly(),
  });
  const queue = createQueueView({ myId: () => me.id, onSelect: (id) => go(`#/alarms/${id}`) });
  const handover = showHandoverNotes(byId('handover-slot'), feed.now);
  let closureCodes: ClosureCodeOption[] = [];
  // Floods are acknowledged by supervisors (the ARC refuses others).
  const floods = manager ? createFloodBar(byId('floods'), () => closureCodes) : null;
  const supervisor = createSupervisorView({ alarms: feed.alarms, now: feed.now, applied: feed.apply });
  const insight = createInsightView();
  queue.draw(feed.alarms, feed.now());

  // The views with a map wait for the map settings; the queue does not.
  void setup.then(({ tiles, closureCodes: codes }) => {
    if (stopped) return;
    closureCodes = codes;
    floods?.draw(feed.alarms.values());
    devices = createDevicesView({
      tiles,
      now: feed.now,
      alarmingDevices: () => new Set([...feed.alarms.values()].map((a) => a.deviceId)),
      followMany: feed.followMany,
      unfollowMany: feed.unfollowMany,
    });
    if (manager) admin = createAdminView({ me, tiles, now: feed.now, go });
    detail = createAlarmDetail(page.detail, {
      me,
      tiles,
      closureCodes,
      now: feed.now,
      applied: feed.apply,
      queued: (id) => feed.alarms.get(id),
      follow: feed.follow,
      unfollow: feed.unfollow,
      onClose: () => go('#/alarms'),
    });
    view = null;
    route();
  });

  function go(hash: string): void {
    if (location.hash !== hash) location.hash = hash;
    else route();
  }

  function route(): void {
    if (stopped) return;
    const [, name, id, subId] = location.hash.split('/');
    const next: View =
      name === 'devices'
        ? 'devices'
        : name === 'supervisor' && manager
          ? 'supervisor'
          : name === 'insight' && manager
            ? 'insight'
            : name === 'admin' && manager
              ? 'admin'
              : 'alarms';
    if (next === 'admin') admin?.show(id, subId);
    if (next !== view) {
      if (view === 'devices') devices?.hide();
      if (view === 'supervisor') supervisor.hide();
      if (view === 'insight') insight.hide();
      if (view === 'admin') admin?.hide();
      view = next;
      page.alarmsView.hidden = view !== 'alarms';
      page.devicesView.hidden = view !== 'devices';
      page.supervisorView.hidden = view !== 'supervisor';
      page.insightView.hidden = view !== 'insight';
      page.adminView.hidden = view !== 'admin';
      for (const link of page.nav.querySelectorAll<HTMLAnchorElement>('a')) {
        if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      if (view === 'devices') devices?.show();
      if (view === 'supervisor') supervisor.show();
      if (view === 'insight') insight.show();
    }
    if (!detail) return;
    const alarmId = view === 'alarms' && id && /^[0-9a-f-]{36}$/i.test(id) ? id : null;
    if (alarmId) detail.show(alarmId);
    else if (detail.alarmId) detail.close();
    queue.select(detail.alarmId);
    page.alarmsView.classList.toggle('with-detail', detail.alarmId !== null);
  }

  // The accept shortcut: A takes the top alarm nobody holds, as the queue shows it.
  function onKey(event: KeyboardEvent): void {
    if (view !== 'alarms' || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable]')) return;
    if (event.key === 'a' || event.key === 'A') {
      const top = topUnaccepted(queue.shown());
      if (!top) {
        page.announcer.textContent = 'No alarm waiting to be accepted';
        return;
      }
      event.preventDefault();
      go(`#/alarms/${top.id}`);
      // Opened here at once, not on the hashchange: the accept below is for this alarm.
      detail?.show(top.id);
      void detail?.accept();
    } else if (event.key === 'Escape' && detail?.alarmId) {
      go('#/alarms');
    }
  }

  const ticker = setInterval(() => {
    const now = feed.now();
    queue.tick(now);
    drawArrivals(queue.all(), queue.waitingCount(), now, (id) => go(`#/alarms/${id}`));
    // An alarm nobody has accepted keeps sounding, by priority; so does a lost connection.
    if (
      shouldSound({
        alarms: feed.alarms.values(),
        connected: connected || !everConnected,
        lastSoundAt,
        now: Date.now(),
      })
    )
      sound();
    detail?.tick();
    supervisor.tick();
  }, 1000);
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', onKey);
  route();

  return {
    stop() {
      stopped = true;
      feed.stop();
      clearInterval(ticker);
      frame.cancel();
      clearTimeout(floodsTimer);
      handover.stop();
      byId('floods').replaceChildren();
      page.connectionLost.hidden = page.arrivals.hidden = true;
      window.removeEventListener('hashchange', route);
      document.removeEventListener('keydown', onKey);
      detail?.close();
      devices?.hide();
      supervisor.hide();
      admin?.hide();
      queue.clear();
      for (const view of allViews()) view.hidden = true;
    },
  };
}

// ---- Start -----------------------------------------------------------------------------------

const me = await callApi<{ user: UserView }>('GET', '/api/auth/me');
if (me.ok) enterConsole(me.body.user);
else showLogin(me.error.code === 'ARC_ERR_AUTH_REQUIRED' ? '' : me.error.message);
