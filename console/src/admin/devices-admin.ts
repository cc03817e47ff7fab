// Devices: the list with a search box, and beside it either the provisioning form (administrators)
// or the page of the device chosen in the address (#/admin/devices/<id>): its settings, test mode
// and its secret. A new or rotated secret is shown once, with the connection settings and a QR
// code of them for phone apps; the ARC keeps only a hash, and this screen drops it on leaving.
import type { DeviceCredentialsView, DeviceView, WearerView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { ownsDevices, type AdminContext, type AdminSection, listingScreen } from './admin-section.js';
import './admin-extra.css';
import { shiftPatternForm } from './shift-pattern-form.js';
import { secretBox } from './device-secret.js';
import {
  decommissionForm,
  onTestText,
  provisionForm,
  rotateForm,
  settingsForm,
  testModeForm,
  type SecretShown,
} from './device-forms.js';

export function createDevicesAdmin(context: AdminContext): AdminSection {
  const admin = ownsDevices(context.me);
  let ticket = 0; // drops answers that arrive after the screen changed
  let screen: {
    ticket: number;
    chosen: string | null;
    rows: HTMLTableSectionElement;
    status: HTMLElement;
    search: HTMLInputElement;
    side: HTMLElement;
    /** Where a new secret is shown; emptied on leaving, on "Done" and before the next one. */
    secretSlot: HTMLElement;
  } | null = null;
  let devices: DeviceView[] = [];
  let wearers: WearerView[] = [];

  const live = (mine: number) => screen !== null && screen.ticket === mine;
  const secret: SecretShown = {
    live: () => screen !== null,
    forgetSecret: () => forgetSecret(),
    showSecret: (answer, why) => showSecret(answer, why),
    reload: () => loadList(),
  };

  async function loadList(): Promise<boolean> {
    const mine = screen?.ticket;
    const [d, w] = await Promise.all([
      callApi<{ devices: DeviceView[] }>('GET', '/api/devices'),
      callApi<{ wearers: WearerView[] }>('GET', '/api/wearers'),
    ]);
    if (mine === undefined || !live(mine)) return false;
    if (!d.ok) {
      screen!.status.textContent = `The devices could not be loaded: ${d.error.message}`;
      return false;
    }
    devices = d.body.devices;
    wearers = w.ok ? w.body.wearers : [];
    drawRows();
    return true;
  }

  function matches(device: DeviceView, query: string): boolean {
    if (!query) return true;
    return [device.id, device.label, device.wearerName ?? ''].some((text) => text.toLowerCase().includes(query));
  }

  function testText(device: DeviceView, now: number): string {
    if (device.testUntil === null || Date.parse(device.testUntil) <= now) return '—';
    return onTestText(device, now);
  }

  function drawRows(): void {
    if (!screen) return;
    const now = context.now();
    const query = screen.search.value.trim().toLowerCase();
    const shown = devices.filter((d) => matches(d, query));
    screen.rows.replaceChildren(
      ...shown.map((d) => {
        const chosen = d.id === screen!.chosen;
        return el(
          'tr',
          { className: chosen ? 'is-chosen' : '', dataset: { deviceId: d.id } },
          el(
            'td',
            null,
            el('a', {
              attrs: { href: `#/admin/devices/${encodeURIComponent(d.id)}`, 'aria-current': chosen ? 'true' : null },
              text: d.label || d.id,
            }),
            el('span', { className: 'muted small', text: d.id }),
          ),
          el('td', { text: d.wearerName ?? 'no wearer' }),
          el('td', { className: d.enabled ? '' : 'is-off', text: d.enabled ? 'Yes' : 'Disabled' }),
          el('td', { text: d.inUse ? 'Yes' : 'Not in use' }),
          el('td', { className: 'number', text: `${d.heartbeatS} s` }),
          el('td', { className: testText(d, now) === '—' ? '' : 'on-test', text: testText(d, now) }),
        );
      }),
    );
    screen.status.textContent = `${shown.length} of ${devices.length} devices`;
  }

  // ---- The secret, shown once --------------------------------------------------------------

  function showSecret(answer: DeviceCredentialsView, why: 'provisioned' | 'rotated'): void {
    if (!screen) return;
    const box = secretBox(answer, why, `secret-title-${ticket}`, () => forgetSecret(true));
    screen.secretSlot.replaceChildren(box);
    box.querySelector<HTMLElement>('h3')!.focus();
  }

  /** Drops the secret from the page; nothing else holds it. */
  function forgetSecret(refocus = false): void {
    if (!screen) return;
    screen.secretSlot.replaceChildren();
    if (refocus) screen.side.querySelector<HTMLElement>('input, select, button, a')?.focus();
  }

  // ---- The side: provisioning, or one device --------------------------------------------------

  function provisionPanel(): HTMLElement {
    if (!admin) {
      return el('p', {
        className: 'notice',
        text: 'Choose a device in the list to put it on test or end its test. Administrators provision devices and change their settings.',
      });
    }
    return provisionForm(wearers, secret).element;
  }

  function devicePanel(device: DeviceView): HTMLElement {
    const now = context.now();
    const status = el('p', { className: 'action-status', attrs: { role: 'status' } });
    const titleId = `device-title-${ticket}`;

    const changed = (next: DeviceView, said: string) => {
      if (!screen) return;
      devices = devices.map((d) => (d.id === next.id ? next : d));
      drawSide(next);
      screen.side.querySelector<HTMLElement>('p.action-status')!.textContent = said;
      screen.side.querySelector<HTMLElement>('h2')?.focus(); // the panel was redrawn under the focus
      void loadList();
    };

    const parts: HTMLElement[] = [
      el('h2', { attrs: { id: titleId, tabindex: -1 }, text: device.label || device.id }),
      el(
        'p',
        { className: 'device-facts' },
        el('span', { text: `Id ${device.id}` }),
        el('span', { text: device.wearerName ? `Worn by ${device.wearerName}` : 'No wearer' }),
        el('span', { text: device.connected ? 'Online' : 'Offline' }),
        el('span', { text: device.enabled ? 'Enabled' : 'Disabled' }),
        el('span', { text: device.inUse ? 'In use' : 'Not in use' }),
      ),
      status,
      screen!.secretSlot,
    ];
    // Out of service for good: the history stays, nothing can be changed.
    if (device.decommissionedAt) {
      parts.push(
        el('p', {
          className: 'warning',
          text: `Decommissioned ${new Date(device.decommissionedAt).toLocaleString()}: ${device.decommissionedReason ?? ''}. Its history is kept; it is not supervised and cannot connect.`,
        }),
        el('p', null, el('a', { attrs: { href: '#/admin/devices' }, text: 'Back to all devices' })),
      );
      return el('section', { className: 'device-panel', attrs: { 'aria-labelledby': titleId } }, ...parts);
    }

    if (admin) parts.push(settingsForm(device, wearers, changed).element);

    parts.push(testModeForm(device, now, changed).element);
    parts.push(shiftPatternForm(device));
    if (admin) parts.push(rotateForm(device, secret).element, decommissionForm(device, changed).element);
    parts.push(el('p', null, el('a', { attrs: { href: '#/admin/devices' }, text: 'Back to all devices' })));
    return el('section', { className: 'device-panel', attrs: { 'aria-labelledby': titleId } }, ...parts);
  }

  function drawSide(device?: DeviceView): void {
    if (!screen) return;
    if (screen.chosen === null) {
      screen.side.replaceChildren(screen.secretSlot, provisionPanel());
      return;
    }
    const shown = device ?? devices.find((d) => d.id === screen!.chosen);
    screen.side.replaceChildren(
      shown
        ? devicePanel(shown)
        : el(
            'p',
            { className: 'notice' },
            `There is no device ${screen.chosen}. `,
            el('a', { attrs: { href: '#/admin/devices' }, text: 'All devices' }),
          ),
    );
  }

  return {
    show(container, id) {
      const mine = ++ticket;
      const search = el('input', {
        attrs: {
          id: `device-admin-search-${mine}`,
          type: 'search',
          autocomplete: 'off',
          placeholder: 'Device, id or wearer',
        },
      });
      const rows = el('tbody');
      const status = el('p', { className: 'muted', attrs: { role: 'status' } });
      const side = el('div', { className: 'admin-side' });
      screen = {
        ticket: mine,
        chosen: id,
        rows,
        status,
        search,
        side,
        secretSlot: el('div', { className: 'secret-slot' }),
      };
      search.addEventListener('input', () => drawRows());
      container.append(
        listingScreen({
          title: 'Devices',
          headingId: `devices-admin-heading-${mine}`,
          tableClass: 'devices-admin-table',
          above: [
            el(
              'div',
              { className: 'field inline' },
              el('label', { attrs: { for: search.id }, text: 'Search devices' }),
              search,
              status,
            ),
          ],
          headings: ['Device', 'Wearer', 'Enabled', 'In use', 'Heartbeat', 'Test mode'],
          rows,
          side,
        }),
      );
      side.append(el('p', { className: 'muted', text: 'Loading…' }));
      void loadList().then((loaded) => {
        if (!live(mine)) return;
        if (loaded) drawSide();
        else side.replaceChildren();
      });
    },
    hide() {
      ticket++;
      // The secret leaves with the page: its box, its QR code and every reference to them.
      screen?.secretSlot.replaceChildren();
      screen?.side.replaceChildren();
      screen = null;
      devices = [];
      wearers = [];
    },
  };
}
