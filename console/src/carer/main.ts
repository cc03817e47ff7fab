// The carer view, phone first: log in, then the people linked to this carer (alarm sentence, last
// seen, battery, position), the chosen one on the map with their trail and safe zones, and the
// carer's message choices. An email's link (#wearer=<id>) opens that person. Everything shown
// comes from the carer routes and the /carer feed, which hold only this carer's people.
import type { CarerWearer, WearerAlarm, WearerMoved } from '../../../api/live/carer-contract.js';
import type { ConsoleConfig, UserView } from '../../../api/live/console-contract.js';
import { arcNow, callApi } from '../shared/api-client.js';
import { wireLoginForm } from '../shared/login-form.js';
import { byId } from '../shared/element.js';
import type { MapTiles } from '../shared/map-view.js';
import { openCarerLive, LIVE_TEXT, type LiveState } from './carer-live.js';
import { createPersonCard, type PersonCard } from './person-card.js';
import { createPersonDetail, type PersonDetail } from './person-detail.js';
import { renderPreferences } from './preferences-form.js';
import './carer.css';

const APP_TITLE = 'ArcAngel: my people';

const page = {
  loading: byId('loading'),
  login: byId('login'),
  loginEmail: byId<HTMLInputElement>('login-email'),
  loginError: byId('login-error'),
  carersOnly: byId('carers-only'),
  peopleView: byId('people-view'),
  notYours: byId('not-yours'),
  noPeople: byId('no-people'),
  people: byId<HTMLUListElement>('people'),
  preferences: byId('preferences-body'),
  connection: byId('connection'),
  signedIn: byId('signed-in'),
  logOut: byId('log-out'),
};

type Screen = 'loading' | 'login' | 'carers-only' | 'people';

let session: { stop(): void } | null = null;

function show(screen: Screen): void {
  page.loading.hidden = screen !== 'loading';
  page.login.hidden = screen !== 'login';
  page.carersOnly.hidden = screen !== 'carers-only';
  page.peopleView.hidden = screen !== 'people';
  page.signedIn.hidden = screen !== 'people' && screen !== 'carers-only';
  page.connection.hidden = screen !== 'people';
  document.title = screen === 'login' ? `Log in — ${APP_TITLE}` : APP_TITLE;
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

function enter(user: UserView): void {
  endSession();
  if (user.role !== 'carer') {
    show('carers-only');
    return;
  }
  show('people');
  session = startSession();
}

wireLoginForm(enter);

page.logOut.addEventListener('click', async () => {
  endSession();
  const result = await callApi('POST', '/api/auth/logout');
  showLogin(result.ok ? '' : `Log-out failed: ${result.error.message}`);
});

// ---- A signed-in carer ------------------------------------------------------------------------

/** The person an email's link or a "Show on the map" press asked for. */
const wearerInHash = () => new URLSearchParams(location.hash.slice(1)).get('wearer');

function startSession(): { stop(): void } {
  let stopped = false;
  const people = new Map<string, CarerWearer>();
  const cards = new Map<string, PersonCard>();
  let detail: PersonDetail | null = null;
  const setup = callApi<ConsoleConfig>('GET', '/api/console-config').then((config): MapTiles =>
    config.ok
      ? { url: config.body.mapTilesUrl, attribution: config.body.mapAttribution }
      : { url: null, attribution: '' },
  );

  function setConnection(state: LiveState): void {
    page.connection.dataset.state = state;
    page.connection.textContent = LIVE_TEXT[state];
    document.body.toggleAttribute('data-stale', state !== 'connected');
  }

  /** The snapshot: who this carer's people are now and how they are. */
  async function loadPeople(): Promise<void> {
    const result = await callApi<{ wearers: CarerWearer[] }>('GET', '/api/my/wearers');
    if (stopped) return;
    if (!result.ok) {
      if (result.error.code === 'ARC_ERR_AUTH_REQUIRED') showLogin('Your session has ended. Log in again.');
      throw new Error(result.error.message);
    }
    const now = arcNow();
    people.clear();
    for (const wearer of result.body.wearers) people.set(wearer.id, wearer);
    // Cards of people no longer linked go; nothing of them stays on the page.
    for (const [id, card] of cards) {
      if (!people.has(id)) {
        card.element.remove();
        cards.delete(id);
      }
    }
    for (const wearer of people.values()) {
      let card = cards.get(wearer.id);
      if (!card) {
        card = createPersonCard(wearer, (id) => (location.hash = `wearer=${id}`));
        cards.set(wearer.id, card);
      }
      card.update(wearer, now);
      page.people.append(card.element);
    }
    page.noPeople.hidden = people.size > 0;
    await route(true);
  }

  /** Shows the person of the address, or the only one; never anything of someone not listed. */
  async function route(reloaded = false): Promise<void> {
    if (stopped) return;
    const asked = wearerInHash();
    page.notYours.hidden = asked === null || people.has(asked);
    const chosen =
      asked && people.has(asked) ? asked : asked === null && people.size === 1 ? [...people.keys()][0] : null;
    for (const [id, card] of cards) card.select(id === chosen);
    const tiles = await setup;
    if (stopped) return;
    detail ??= createPersonDetail(tiles);
    if (!chosen) return detail.hide();
    const wearer = people.get(chosen)!;
    if (reloaded && detail.wearerId === chosen) await detail.refresh(wearer);
    else if (detail.wearerId !== chosen) await detail.show(wearer);
  }

  let reloading: Promise<void> | null = null;
  /** A push about someone the page does not know: a new link. Load the snapshot again, once. */
  const reloadPeople = () => (reloading ??= loadPeople().finally(() => (reloading = null)));

  function moved(push: WearerMoved): void {
    const wearer = people.get(push.wearerId);
    if (!wearer) return void reloadPeople();
    if (wearer.position && wearer.position.ts > push.position.ts) return;
    const next = { ...wearer, position: push.position, lastSeenAt: push.seenAt };
    people.set(wearer.id, next);
    cards.get(wearer.id)?.update(next, arcNow());
    detail?.moved(push);
  }

  function alarmChanged(push: WearerAlarm): void {
    const wearer = people.get(push.wearerId);
    if (!wearer) return void reloadPeople();
    const next = { ...wearer, alarm: push.alarm };
    people.set(wearer.id, next);
    cards.get(wearer.id)?.update(next, arcNow());
  }

  const live = openCarerLive({
    onState: setConnection,
    onConnect: () => reloadPeople(),
    onMoved: moved,
    onAlarm: alarmChanged,
    onRefused: (code) =>
      code === 'ARC_ERR_AUTH_REQUIRED' ? showLogin('Your session has ended. Log in again.') : show('carers-only'),
  });
  void renderPreferences(page.preferences);
  // "Last seen 2 min ago" moves on by itself.
  const ticker = setInterval(() => {
    const now = arcNow();
    for (const [id, card] of cards) card.update(people.get(id)!, now);
  }, 15_000);
  const onHash = () => void route();
  window.addEventListener('hashchange', onHash);

  return {
    stop() {
      stopped = true;
      live.stop();
      clearInterval(ticker);
      window.removeEventListener('hashchange', onHash);
      detail?.hide();
      page.people.replaceChildren();
      page.preferences.replaceChildren();
      page.notYours.hidden = true;
    },
  };
}

// ---- Start ------------------------------------------------------------------------------------

const me = await callApi<{ user: UserView }>('GET', '/api/auth/me');
if (me.ok) enter(me.body.user);
else showLogin(me.error.code === 'ARC_ERR_AUTH_REQUIRED' ? '' : me.error.message);
