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
import { alarmTypeText, wearerText } from './alarm-text.js';
import { createAlarmDetail, type AlarmDetail } from './alarm-detail.js';
import { startAlarmFeed, type AlarmFeed, type QueueChange } from './alarm-feed.js';
import { isManager } from './action-panel.js';
import { createDevicesView, type DevicesView } from './devices-view.js';
import { createQueueView } from './queue-view.js';
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
  page.userName.textContent = `${user.name} (${user.role})`;
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

page.sound.addEventListener('click', async () => {
  if (tone.enabled) tone.disable();
  else if (await tone.enable()) tone.play();
  page.sound.setAttribute('aria-pressed', String(tone.enabled));
  page.sound.textContent = tone.enabled ? 'Sound on' : 'Enable sound';
});

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
  ]).then(([config, codes]) => ({
    tiles: (config.ok ? { url: config.body.mapTilesUrl, attribution: config.body.mapAttribution } : { url: null, attribution: '' }) satisfies MapTiles,
    closureCodes: codes.ok ? codes.body.closureCodes : [],
  }));

  function setConnection(state: ConnectionState): void {
    page.connection.dataset.state = state;
    page.connection.textContent = CONNECTION_TEXT[state];
    // While the list may be out of date it says so by fading, never by emptying.
    document.body.toggleAttribute('data-stale', state !== 'connected');
  }

  function onChange(change: QueueChange): void {
    const flash = new Set([...change.arrived, ...change.escalated]);
    queue.draw(feed.alarms, feed.now(), flash);
    document.title = `(${feed.alarms.size}) ${APP_TITLE}`;
    const news = [...flash].map((id) => feed.alarms.get(id)).filter((a): a is AlarmView => a !== undefined);
    if (news.length) {
      tone.play();
      page.announcer.textContent = news
        .map((a) => `${change.escalated.has(a.id) ? 'Overdue' : 'New'} alarm: ${alarmTypeText(a)}, ${wearerText(a)}, priority ${a.priority}`)
        .join('. ');
    }
    if (detail?.alarmId && (change.resynced || change.changed.some((a) => a.id === detail!.alarmId))) detail.refresh();
    supervisor.alarmsChanged();
  }

  const feed: AlarmFeed = startAlarmFeed({
    onState: setConnection,
    onChange: (change) => onChange(change),
    onMoved(moved) {
      detail?.moved(moved);
      devices?.moved(moved);
    },
    onRefused: (code) => (code === 'ARC_ERR_AUTH_REQUIRED' ? showLogin('Your session has ended. Log in again.') : showStaffOnly()),
  });
  const queue = createQueueView({ myId: () => me.id, onSelect: (id) => go(`#/alarms/${id}`) });
  const supervisor = createSupervisorView({ alarms: feed.alarms, now: feed.now, applied: feed.apply });
  const insight = createInsightView();
  queue.draw(feed.alarms, feed.now());

  // The views with a map wait for the map settings; the queue does not.
  void setup.then(({ tiles, closureCodes }) => {
    if (stopped) return;
    devices = createDevicesView({
      tiles,
      now: feed.now,
      alarmingDevices: () => new Set([...feed.alarms.values()].map((a) => a.deviceId)),
      follow: feed.follow,
      unfollow: feed.unfollow,
    });
    if (manager) admin = createAdminView({ me, tiles, now: feed.now, go });
    detail = createAlarmDetail(page.detail, {
      me,
      tiles,
      closureCodes,
      now: feed.now,
      applied: feed.apply,
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
