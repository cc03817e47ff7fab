// Devices: the list with a search box, and beside it either the provisioning form (administrators)
// or the page of the device chosen in the address (#/admin/devices/<id>): its settings, test mode
// and its secret. A new or rotated secret is shown once, with the connection settings and a QR
// code of them for phone apps; the ARC keeps only a hash, and this screen drops it on leaving.
import type { DeviceCredentialsView, DeviceView, WearerView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, type ActionForm } from '../shared/form.js';
import { whenText } from '../shared/format.js';
import { qrCanvas, qrFigure } from '../shared/qr-code.js';
import { ownsDevices, type AdminContext, type AdminSection, listingScreen } from './admin-section.js';
import './admin-extra.css';
import { shiftPatternForm } from './shift-pattern-form.js';

type DeviceConnection = DeviceCredentialsView['connection'];

const DEFAULT_HEARTBEAT_S = 300;
const DEFAULT_TEST_MINUTES = 60;

/** The ARC says a device exists or is missing without naming a field: it is about the id. */
const ID_ERRORS = { ARC_ERR_DEVICE_EXISTS: 'id' };
const WEARER_ERRORS = { ARC_ERR_WEARER_NOT_FOUND: 'wearerId' };

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

  async function loadList(): Promise<boolean> {
    const mine = screen?.ticket;
    const [d, w] = await Promise.all([callApi<{ devices: DeviceView[] }>('GET', '/api/devices'), callApi<{ wearers: WearerView[] }>('GET', '/api/wearers')]);
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

  /** "On test until 14:30: Installer visit, set by Sam Supervisor". */
  function onTestText(device: DeviceView, now: number): string {
    return `On test until ${whenText(device.testUntil!, now)}${device.testReason ? `: ${device.testReason}` : ''}${device.testBy ? `, set by ${device.testBy}` : ''}`;
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
            el('a', { attrs: { href: `#/admin/devices/${encodeURIComponent(d.id)}`, 'aria-current': chosen ? 'true' : null }, text: d.label || d.id }),
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

  /** A loopback address in the settings reaches only this machine: a phone or device cannot use it. */
  function loopbackWarning(url: string): HTMLElement | null {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      return null;
    }
    if (!/^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|::1)$/.test(host)) return null;
    return el('p', {
      className: 'warning',
      attrs: { role: 'alert' },
      text: `Warning: the address ${url} only works on the ARC's own computer; a device or phone cannot reach it. Set ARC_DEVICE_MQTT_URL (or ARC_PUBLIC_URL) to the address devices use.`,
    });
  }

  function showSecret(answer: DeviceCredentialsView, why: 'provisioned' | 'rotated'): void {
    if (!screen) return;
    const { device } = answer;
    const { connection } = answer;
    const name = device.label || device.id;
    const titleId = `secret-title-${ticket}`;
    const setting = (term: string, value: string, key: keyof DeviceConnection) =>
      [el('dt', { text: term }), el('dd', null, el('code', { dataset: { setting: key }, text: value }))] as const;
    const done = el('button', { className: 'primary', attrs: { type: 'button' }, text: 'Done, I have copied it' });
    const box = el(
      'section',
      { className: 'secret-box', attrs: { 'aria-labelledby': titleId } },
      el('h3', { attrs: { id: titleId, tabindex: -1 }, text: `Secret for ${name}: shown once — copy it now` }),
      el('p', {
        text:
          why === 'provisioned'
            ? `Device ${device.id} is provisioned. Set these connection settings in the device or its app now: the ARC keeps only a hash of the secret and cannot show it again.`
            : `Device ${device.id} has a new secret and was disconnected. Set these settings in the device or its app now: the old secret no longer works and this one cannot be shown again.`,
      }),
      el('dl', { className: 'connection-settings' }, ...setting('MQTT address', connection.url, 'url'), ...setting('Client id', connection.clientId, 'clientId'), ...setting('Username', connection.username, 'username'), ...setting('Password (device secret)', connection.password, 'password')),
      loopbackWarning(connection.url),
      qrFigure(
        JSON.stringify({ url: connection.url, clientId: connection.clientId, username: connection.username, password: connection.password }),
        `QR code of the connection settings for ${name}`,
        'The QR code holds these settings for a phone app:',
      ),
      phoneApps(answer.apps, name),
      el('div', { className: 'buttons' }, done),
    );
    done.addEventListener('click', () => forgetSecret(true));
    screen.secretSlot.replaceChildren(box);
    box.querySelector<HTMLElement>('h3')!.focus();
  }

  /**
   * The same device as a phone app: Traccar Client scans its server URL and identifier (a secret of
   * its own), OwnTracks imports its configuration from a link. Each code is the link it shows.
   */
  function phoneApps(apps: DeviceCredentialsView['apps'], name: string): HTMLElement {
    const app = (title: string, intro: string, link: string, settings: [string, string][]) =>
      el(
        'section',
        { className: 'phone-app', attrs: { 'aria-label': `${title} for ${name}` } },
        el('h4', { text: title }),
        el('p', { text: intro }),
        settings.length ? el('dl', { className: 'connection-settings' }, ...settings.flatMap(([term, value]) => [el('dt', { text: term }), el('dd', null, el('code', { dataset: { appSetting: term }, text: value }))])) : '',
        el(
          'figure',
          { className: 'qr-code' },
          qrCanvas(link, `QR code for ${title}, ${name}`),
          el('figcaption', null, el('code', { className: 'app-link', text: link })),
        ),
      );
    return el(
      'details',
      { className: 'phone-apps' },
      el('summary', { text: 'Use a phone app instead (Traccar Client, OwnTracks)' }),
      apps.traccarClient
        ? app('Traccar Client', 'Scan this code in Traccar Client, or enter the server URL and the identifier (a secret: never the device id). It sends positions and an SOS.', apps.traccarClient.link, [
            ['Server URL', apps.traccarClient.url],
            ['Device identifier', apps.traccarClient.identifier],
          ])
        : el('p', { className: 'muted', text: 'Traccar Client: the OsmAnd port is off on this ARC (ARC_OSMAND_PORT).' }),
      app('OwnTracks (MQTT)', 'Open this link on the phone, or scan it: OwnTracks imports the settings. Tracking only: OwnTracks has no SOS button.', apps.ownTracks.mqtt.link, []),
      app('OwnTracks (HTTP)', 'The same over HTTP, where MQTT is blocked.', apps.ownTracks.http.link, []),
    );
  }

  /** Drops the secret from the page; nothing else holds it. */
  function forgetSecret(refocus = false): void {
    if (!screen) return;
    screen.secretSlot.replaceChildren();
    if (refocus) screen.side.querySelector<HTMLElement>('input, select, button, a')?.focus();
  }

  // ---- Controls ------------------------------------------------------------------------------

  function wearerSelect(selected: string | null): HTMLSelectElement {
    const select = el('select', null, el('option', { attrs: { value: '' }, text: 'No wearer' }));
    for (const wearer of wearers) select.append(el('option', { attrs: { value: wearer.id }, text: wearer.name }));
    select.value = selected ?? '';
    return select;
  }

  const heartbeatInput = (value: number) => input({ type: 'number', min: 10, max: 86400, step: 1, value, inputmode: 'numeric' });
  /** A number for the ARC to judge: empty is left out, anything else goes as typed (NaN → null → refused). */
  const numberOf = (control: HTMLInputElement) => (control.value.trim() === '' ? undefined : Number(control.value));

  function checkbox(checked: boolean): HTMLInputElement {
    const box = input({ type: 'checkbox' });
    box.checked = checked;
    return box;
  }

  // ---- The side: provisioning, or one device --------------------------------------------------

  function provisionPanel(): HTMLElement {
    if (!admin) {
      return el('p', { className: 'notice', text: 'Choose a device in the list to put it on test or end its test. Administrators provision devices and change their settings.' });
    }
    const id = input({ autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. pendant-0042' });
    const label = input();
    const wearer = wearerSelect(null);
    const heartbeat = heartbeatInput(DEFAULT_HEARTBEAT_S);
    const form = actionForm({
      title: 'Provision a device',
      className: 'admin-form',
      fields: [
        ['id', 'Device id (3 to 64 of A–Z a–z 0–9 _ -)', id],
        ['label', 'Label', label],
        ['wearerId', 'Wearer', wearer],
        ['heartbeatS', 'Heartbeat: seconds between the device’s status messages', heartbeat],
      ],
      buttons: [button('Provision device', 'provision', 'primary')],
      async onSubmit(f) {
        forgetSecret();
        const answer = await f.send<DeviceCredentialsView>(
          'POST',
          '/api/devices',
          { id: id.value.trim(), label: label.value.trim(), wearerId: wearer.value || null, heartbeatS: numberOf(heartbeat) },
          { ...ID_ERRORS, ...WEARER_ERRORS },
        );
        if (!answer || !screen) return;
        id.value = '';
        label.value = '';
        wearer.value = '';
        showSecret(answer, 'provisioned');
        await loadList();
      },
    });
    return form.element;
  }

  function devicePanel(device: DeviceView): HTMLElement {
    const now = context.now();
    const onTest = device.testUntil !== null && Date.parse(device.testUntil) > now;
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
        el('p', { className: 'warning', text: `Decommissioned ${new Date(device.decommissionedAt).toLocaleString()}: ${device.decommissionedReason ?? ''}. Its history is kept; it is not supervised and cannot connect.` }),
        el('p', null, el('a', { attrs: { href: '#/admin/devices' }, text: 'Back to all devices' })),
      );
      return el('section', { className: 'device-panel', attrs: { 'aria-labelledby': titleId } }, ...parts);
    }

    if (admin) {
      const label = input({ value: device.label });
      const wearer = wearerSelect(device.wearerId);
      const heartbeat = heartbeatInput(device.heartbeatS);
      const simNumber = input({ type: 'tel', value: device.simNumber ?? '' });
      const enabled = checkbox(device.enabled);
      const inUse = checkbox(device.inUse);
      parts.push(
        actionForm({
          title: 'Settings',
          className: 'admin-form',
          fields: [
            ['label', 'Label', label],
            ['wearerId', 'Wearer', wearer],
            ['heartbeatS', 'Heartbeat: seconds between the device’s status messages', heartbeat],
            ['simNumber', 'SIM number, if the device takes calls (optional)', simNumber],
            ['enabled', 'Enabled (a disabled device is disconnected and refused)', enabled],
            ['inUse', 'In use (off: not worn, not watched for silence)', inUse],
          ],
          buttons: [button('Save settings', 'save', 'primary')],
          async onSubmit(f) {
            const answer = await f.send<{ device: DeviceView }>(
              'PATCH',
              `/api/devices/${encodeURIComponent(device.id)}`,
              { label: label.value.trim(), wearerId: wearer.value || null, heartbeatS: numberOf(heartbeat), simNumber: simNumber.value.trim() || null, enabled: enabled.checked, inUse: inUse.checked },
              WEARER_ERRORS,
            );
            if (answer) changed(answer.device, 'Settings saved.');
          },
        }).element,
      );
    }

    // Test mode: its alarms go to no contact and no police and count in no SLA figure.
    const minutes = input({ type: 'number', min: 1, max: 7 * 24 * 60, step: 1, value: DEFAULT_TEST_MINUTES, inputmode: 'numeric' });
    const reason = input({ placeholder: 'e.g. installer visit' });
    const endButton = button('End test mode', 'end');
    parts.push(
      actionForm({
        title: 'Test mode',
        className: 'admin-form',
        fields: [
          ['minutes', onTest ? 'Keep on test for (minutes from now)' : 'Put on test for (minutes)', minutes],
          ['reason', 'Why', reason],
        ],
        buttons: [button(onTest ? 'Extend test mode' : 'Start test mode', 'start', 'primary'), ...(onTest ? [endButton] : [])],
        extra: [
          el('p', {
            className: onTest ? 'on-test' : 'muted',
            text: onTest
              ? `${onTestText(device, now)}. Its alarms go to no contact and no police.`
              : 'While on test its alarms go to no contact and no police, and count in no service-level figure.',
          }),
        ],
        async onSubmit(f, submitter) {
          const path = `/api/devices/${encodeURIComponent(device.id)}/test-mode`;
          if (submitter?.value === 'end') {
            const answer = await f.send<{ device: DeviceView }>('DELETE', path);
            if (answer) changed(answer.device, 'Test mode ended.');
            return;
          }
          const answer = await f.send<{ device: DeviceView }>('PUT', path, { minutes: numberOf(minutes), reason: reason.value.trim() });
          if (answer) changed(answer.device, 'The device is on test.');
        },
      }).element,
    );

    parts.push(shiftPatternForm(device));
    if (admin) parts.push(rotateForm(device).element, decommissionForm(device, changed).element);
    parts.push(el('p', null, el('a', { attrs: { href: '#/admin/devices' }, text: 'Back to all devices' })));
    return el('section', { className: 'device-panel', attrs: { 'aria-labelledby': titleId } }, ...parts);
  }

  /**
   * A step that cannot be undone is asked twice: the first button shows the warning and the
   * confirming button, and the safe choice (Cancel) takes the focus, so Enter alone does nothing.
   * `settle` is the submit handler's first step: true when it was only the asking or the cancel.
   */
  function askedTwice(askLabel: string, confirmLabel: string, warningText: string) {
    const ask = button(askLabel, 'ask');
    const confirm = button(confirmLabel, 'confirm', 'danger');
    const cancel = button('Cancel', 'cancel');
    const warning = el('p', { className: 'warning', attrs: { hidden: true }, text: warningText });
    const asking = (yes: boolean) => {
      ask.hidden = yes;
      confirm.hidden = !yes;
      cancel.hidden = !yes;
      warning.hidden = !yes;
    };
    asking(false);
    return {
      buttons: [ask, confirm, cancel],
      warning,
      done: () => asking(false),
      settle(submitter: HTMLButtonElement | null | undefined): boolean {
        if (submitter?.value === 'ask') {
          asking(true);
          cancel.focus();
          return true;
        }
        if (submitter?.value === 'cancel') {
          asking(false);
          ask.focus();
          return true;
        }
        return false;
      },
    };
  }

  /** Rotating disconnects the device until it has the new secret: asked twice. */
  function rotateForm(device: DeviceView): ActionForm {
    const twice = askedTwice(
      'Rotate secret…',
      'Rotate and disconnect',
      `The device is disconnected at once and cannot connect again until it is given the new secret. Rotate the secret of ${device.label || device.id}?`,
    );
    return actionForm({
      title: 'Secret',
      className: 'admin-form',
      fields: [],
      buttons: twice.buttons,
      extra: [el('p', { className: 'muted', text: 'A new secret replaces the old one, e.g. when a device is lost or passed on.' }), twice.warning],
      async onSubmit(f, submitter) {
        if (twice.settle(submitter)) return;
        forgetSecret();
        const answer = await f.send<DeviceCredentialsView>('POST', `/api/devices/${encodeURIComponent(device.id)}/rotate-secret`);
        twice.done();
        if (!answer) return;
        showSecret(answer, 'rotated');
        void loadList();
      },
    });
  }

  /** Decommission: out of service for good, history kept; asked twice, with a reason (audited). */
  function decommissionForm(device: DeviceView, changed: (next: DeviceView, said: string) => void): ActionForm {
    const reason = input({ placeholder: 'e.g. returned broken, replaced' });
    const twice = askedTwice(
      'Decommission…',
      'Decommission for good',
      `${device.label || device.id} is disconnected at once, no longer supervised and cannot connect again. Its alarms and history are kept. This cannot be undone.`,
    );
    return actionForm({
      title: 'Decommission',
      className: 'admin-form',
      fields: [['reason', 'Why it is taken out of service', reason]],
      buttons: twice.buttons,
      extra: [twice.warning],
      async onSubmit(f, submitter) {
        if (twice.settle(submitter)) return;
        const answer = await f.send<{ device: DeviceView }>('POST', `/api/devices/${encodeURIComponent(device.id)}/decommission`, { reason: reason.value.trim() });
        twice.done();
        if (answer) changed(answer.device, 'The device is decommissioned.');
      },
    });
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
        : el('p', { className: 'notice' }, `There is no device ${screen.chosen}. `, el('a', { attrs: { href: '#/admin/devices' }, text: 'All devices' })),
    );
  }

  return {
    show(container, id) {
      const mine = ++ticket;
      const search = el('input', { attrs: { id: `device-admin-search-${mine}`, type: 'search', autocomplete: 'off', placeholder: 'Device, id or wearer' } });
      const rows = el('tbody');
      const status = el('p', { className: 'muted', attrs: { role: 'status' } });
      const side = el('div', { className: 'admin-side' });
      screen = { ticket: mine, chosen: id, rows, status, search, side, secretSlot: el('div', { className: 'secret-slot' }) };
      search.addEventListener('input', () => drawRows());
      container.append(
        listingScreen({
          title: 'Devices',
          headingId: `devices-admin-heading-${mine}`,
          tableClass: 'devices-admin-table',
          above: [el('div', { className: 'field inline' }, el('label', { attrs: { for: search.id }, text: 'Search devices' }), search, status)],
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
