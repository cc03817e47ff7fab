// A device's new secret, shown once: the connection settings, a QR code of them, and the same
// device as a phone app (Traccar Client, OwnTracks). The ARC keeps only a hash of the secret.
import type { DeviceCredentialsView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { qrCanvas, qrFigure } from '../shared/qr-code.js';

type DeviceConnection = DeviceCredentialsView['connection'];

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

/** The box that shows a new or rotated secret once; `onDone` when the user says it is copied. */
export function secretBox(
  answer: DeviceCredentialsView,
  why: 'provisioned' | 'rotated',
  titleId: string,
  onDone: () => void,
): HTMLElement {
  const { device } = answer;
  const { connection } = answer;
  const name = device.label || device.id;
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
    el(
      'dl',
      { className: 'connection-settings' },
      ...setting('MQTT address', connection.url, 'url'),
      ...setting('Client id', connection.clientId, 'clientId'),
      ...setting('Username', connection.username, 'username'),
      ...setting('Password (device secret)', connection.password, 'password'),
    ),
    loopbackWarning(connection.url),
    qrFigure(
      JSON.stringify({
        url: connection.url,
        clientId: connection.clientId,
        username: connection.username,
        password: connection.password,
      }),
      `QR code of the connection settings for ${name}`,
      'The QR code holds these settings for a phone app:',
    ),
    phoneApps(answer.apps, name),
    el('div', { className: 'buttons' }, done),
  );
  done.addEventListener('click', onDone);
  return box;
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
      settings.length
        ? el(
            'dl',
            { className: 'connection-settings' },
            ...settings.flatMap(([term, value]) => [
              el('dt', { text: term }),
              el('dd', null, el('code', { dataset: { appSetting: term }, text: value })),
            ]),
          )
        : '',
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
      ? app(
          'Traccar Client',
          'Scan this code in Traccar Client, or enter the server URL and the identifier (a secret: never the device id). It sends positions and an SOS.',
          apps.traccarClient.link,
          [
            ['Server URL', apps.traccarClient.url],
            ['Device identifier', apps.traccarClient.identifier],
          ],
        )
      : el('p', { className: 'muted', text: 'Traccar Client: the OsmAnd port is off on this ARC (ARC_OSMAND_PORT).' }),
    app(
      'OwnTracks (MQTT)',
      'Open this link on the phone, or scan it: OwnTracks imports the settings. Tracking only: OwnTracks has no SOS button.',
      apps.ownTracks.mqtt.link,
      [],
    ),
    app('OwnTracks (HTTP)', 'The same over HTTP, where MQTT is blocked.', apps.ownTracks.http.link, []),
  );
}
