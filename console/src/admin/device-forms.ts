// The forms of the device screen (console/src/admin/devices-admin.ts): provisioning, a device's
// settings, test mode, rotating its secret and decommissioning it. Each sends its request and
// hands the answer to the screen, which redraws.
import type { DeviceCredentialsView, DeviceView, WearerView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, type ActionForm } from '../shared/form.js';
import { whenText } from '../shared/format.js';
import { askedTwice } from './asked-twice.js';
import { simNumberField } from './sim-number-field.js';

const DEFAULT_HEARTBEAT_S = 300;
const DEFAULT_TEST_MINUTES = 60;

/** The ARC says a device exists or is missing without naming a field: it is about the id. */
const ID_ERRORS = { ARC_ERR_DEVICE_EXISTS: 'id' };
const WEARER_ERRORS = { ARC_ERR_WEARER_NOT_FOUND: 'wearerId' };

/** A device changed: the screen redraws it and says what happened. */
export type DeviceChanged = (next: DeviceView, said: string) => void;

/** A new secret arrived: the screen shows it once and reloads the list. */
export interface SecretShown {
  /** The screen is still shown (an answer may arrive after the user left it). */
  live(): boolean;
  forgetSecret(): void;
  showSecret(answer: DeviceCredentialsView, why: 'provisioned' | 'rotated'): void;
  reload(): Promise<unknown>;
}

/** "On test until 14:30: Installer visit, set by Sam Supervisor". */
export function onTestText(device: DeviceView, now: number): string {
  return `On test until ${whenText(device.testUntil!, now)}${device.testReason ? `: ${device.testReason}` : ''}${device.testBy ? `, set by ${device.testBy}` : ''}`;
}

function wearerSelect(wearers: WearerView[], selected: string | null): HTMLSelectElement {
  const select = el('select', null, el('option', { attrs: { value: '' }, text: 'No wearer' }));
  for (const wearer of wearers) select.append(el('option', { attrs: { value: wearer.id }, text: wearer.name }));
  select.value = selected ?? '';
  return select;
}

const heartbeatInput = (value: number) =>
  input({ type: 'number', min: 10, max: 86400, step: 1, value, inputmode: 'numeric' });
/** A number for the ARC to judge: empty is left out, anything else goes as typed (NaN → null → refused). */
const numberOf = (control: HTMLInputElement) => (control.value.trim() === '' ? undefined : Number(control.value));

function checkbox(checked: boolean): HTMLInputElement {
  const box = input({ type: 'checkbox' });
  box.checked = checked;
  return box;
}

export function provisionForm(wearers: WearerView[], secret: SecretShown): ActionForm {
  const id = input({ autocomplete: 'off', spellcheck: 'false', placeholder: 'e.g. pendant-0042' });
  const label = input();
  const wearer = wearerSelect(wearers, null);
  const heartbeat = heartbeatInput(DEFAULT_HEARTBEAT_S);
  const sim = simNumberField();
  return actionForm({
    title: 'Provision a device',
    className: 'admin-form',
    fields: [
      ['id', 'Device id (3 to 64 of A–Z a–z 0–9 _ -)', id],
      ['label', 'Label', label],
      ['wearerId', 'Wearer', wearer],
      ['heartbeatS', 'Heartbeat: seconds between the device’s status messages', heartbeat],
      sim.field,
    ],
    buttons: [button('Provision device', 'provision', 'primary')],
    async onSubmit(f) {
      secret.forgetSecret();
      f.clearErrors();
      const simNumber = sim.read(f);
      if (simNumber === undefined) return;
      const answer = await f.send<DeviceCredentialsView>(
        'POST',
        '/api/devices',
        {
          id: id.value.trim(),
          label: label.value.trim(),
          wearerId: wearer.value || null,
          heartbeatS: numberOf(heartbeat),
          simNumber,
        },
        { ...ID_ERRORS, ...WEARER_ERRORS },
      );
      if (!answer || !secret.live()) return;
      id.value = '';
      label.value = '';
      wearer.value = '';
      sim.clear();
      secret.showSecret(answer, 'provisioned');
      await secret.reload();
    },
  });
}

export function settingsForm(device: DeviceView, wearers: WearerView[], changed: DeviceChanged): ActionForm {
  const label = input({ value: device.label });
  const wearer = wearerSelect(wearers, device.wearerId);
  const heartbeat = heartbeatInput(device.heartbeatS);
  const simNumber = input({ type: 'tel', value: device.simNumber ?? '' });
  const enabled = checkbox(device.enabled);
  const inUse = checkbox(device.inUse);
  return actionForm({
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
        {
          label: label.value.trim(),
          wearerId: wearer.value || null,
          heartbeatS: numberOf(heartbeat),
          simNumber: simNumber.value.trim() || null,
          enabled: enabled.checked,
          inUse: inUse.checked,
        },
        WEARER_ERRORS,
      );
      if (answer) changed(answer.device, 'Settings saved.');
    },
  });
}

/** Test mode: its alarms go to no contact and no police and count in no SLA figure. */
export function testModeForm(device: DeviceView, now: number, changed: DeviceChanged): ActionForm {
  const onTest = device.testUntil !== null && Date.parse(device.testUntil) > now;
  const minutes = input({
    type: 'number',
    min: 1,
    max: 7 * 24 * 60,
    step: 1,
    value: DEFAULT_TEST_MINUTES,
    inputmode: 'numeric',
  });
  const reason = input({ placeholder: 'e.g. installer visit' });
  const endButton = button('End test mode', 'end');
  return actionForm({
    title: 'Test mode',
    className: 'admin-form',
    fields: [
      ['minutes', onTest ? 'Keep on test for (minutes from now)' : 'Put on test for (minutes)', minutes],
      ['reason', 'Why', reason],
    ],
    buttons: [
      button(onTest ? 'Extend test mode' : 'Start test mode', 'start', 'primary'),
      ...(onTest ? [endButton] : []),
    ],
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
      const answer = await f.send<{ device: DeviceView }>('PUT', path, {
        minutes: numberOf(minutes),
        reason: reason.value.trim(),
      });
      if (answer) changed(answer.device, 'The device is on test.');
    },
  });
}

/** Rotating disconnects the device until it has the new secret: asked twice. */
export function rotateForm(device: DeviceView, secret: SecretShown): ActionForm {
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
    extra: [
      el('p', {
        className: 'muted',
        text: 'A new secret replaces the old one, e.g. when a device is lost or passed on.',
      }),
      twice.warning,
    ],
    async onSubmit(f, submitter) {
      if (twice.settle(submitter)) return;
      secret.forgetSecret();
      const answer = await f.send<DeviceCredentialsView>(
        'POST',
        `/api/devices/${encodeURIComponent(device.id)}/rotate-secret`,
      );
      twice.done();
      if (!answer) return;
      secret.showSecret(answer, 'rotated');
      void secret.reload();
    },
  });
}

/** Decommission: out of service for good, history kept; asked twice, with a reason (audited). */
export function decommissionForm(device: DeviceView, changed: DeviceChanged): ActionForm {
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
      const answer = await f.send<{ device: DeviceView }>(
        'POST',
        `/api/devices/${encodeURIComponent(device.id)}/decommission`,
        { reason: reason.value.trim() },
      );
      twice.done();
      if (answer) changed(answer.device, 'The device is decommissioned.');
    },
  });
}
