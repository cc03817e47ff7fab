// What every administration screen gets and gives. A section draws itself into the container it
// is handed, loads what it needs from the ARC, and sends changes through the API (which
// validates and audits them); errors are shown next to the field the ARC names.
import type { UserView } from '../../../api/live/console-contract.js';
import type { MapTiles } from '../shared/map-view.js';
import { callApi } from '../shared/api-client.js';
import { el, type Child } from '../shared/element.js';

export interface AdminContext {
  me: UserView;
  tiles: MapTiles;
  now(): number;
  /** Moves to another address in the console (e.g. `#/admin/wearers/<id>`). */
  go(hash: string): void;
}

export interface AdminSection {
  /** Draws the section; `id` is the thing chosen in the address (a wearer, a device), if any. */
  show(container: HTMLElement, id: string | null): void;
  /** Leaving the section: stop timers, drop maps. */
  hide(): void;
}

export const isAdministrator = (me: UserView) => me.role === 'administrator';
/** A customer organisation's own administrator: everything here, for their organisation only (the ARC scopes it). */
export const isOrganisationManager = (me: UserView) => me.role === 'organisation_manager';
/** Who provisions devices and handles their secrets. */
export const ownsDevices = (me: UserView) => isAdministrator(me) || isOrganisationManager(me);

let panelCounter = 0;

/** One job on a page: a titled box. */
export function panel(title: string, ...children: Child[]): HTMLElement {
  const id = `admin-panel-${++panelCounter}`;
  return el(
    'section',
    { className: 'admin-panel', attrs: { 'aria-labelledby': id } },
    el('h3', { attrs: { id }, text: title }),
    ...children,
  );
}

/** A line that says what just happened (saved, removed), read out by screen readers. */
export const statusLine = () => el('p', { className: 'admin-status', attrs: { role: 'status' } });

/**
 * Loads a listing screen's rows for the screen that asked. Null when that screen has been left or
 * redrawn meanwhile (its answer must not land on another), or when the ARC refused: then its
 * status line says so ("The accounts could not be loaded: …").
 */
export async function loadListing<T>(
  current: () => { ticket: number; status: HTMLElement } | null,
  path: string,
  what: string,
): Promise<T | null> {
  const mine = current()?.ticket;
  const answer = await callApi<T>('GET', path);
  const screen = current();
  if (mine === undefined || screen?.ticket !== mine) return null;
  if (!answer.ok) {
    screen.status.textContent = `${what} could not be loaded: ${answer.error.message}`;
    return null;
  }
  return answer.body;
}

/** A table's head row: one column heading per name. */
export const tableHead = (...names: string[]) =>
  el('thead', null, el('tr', null, ...names.map((text) => el('th', { attrs: { scope: 'col' }, text }))));

/**
 * The list-and-panel screen (devices, organisations, accounts): a titled list on the left with
 * what goes above its table (search, notes), scrolling on its own; the chosen one's panel, or
 * the form to add one, on the right.
 */
export function listingScreen(o: {
  title: string;
  headingId: string;
  tableClass: string;
  above: Child[];
  headings: string[];
  rows: HTMLElement;
  side: HTMLElement;
}): HTMLElement {
  return el(
    'div',
    { className: 'admin-split' },
    el(
      'section',
      { className: 'admin-listing', attrs: { 'aria-labelledby': o.headingId } },
      el('h2', { attrs: { id: o.headingId }, text: o.title }),
      ...o.above,
      el(
        'div',
        { className: 'admin-scroll' },
        el('table', { className: `admin-table ${o.tableClass}` }, tableHead(...o.headings), o.rows),
      ),
    ),
    o.side,
  );
}
