// A lone worker's shift pattern on their device: with one set, the worker starts a shift from the
// device by checking in (the protocol has no "start shift" event); check-ins are then due every
// interval until the shift's length has passed. Sent in seconds, typed in minutes and hours.
import type { DeviceView, ShiftPatternView as ShiftPattern } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { clockText } from '../shared/format.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';

export const patternText = (p: ShiftPattern | null): string =>
  p
    ? `A check-in starts a shift of ${p.lengthS / 3600} h with check-ins every ${p.intervalS / 60} min (${p.graceS / 60} min grace).`
    : 'No pattern: a check-in does not start a shift (shifts can still be started by staff).';

export function shiftPatternForm(device: DeviceView): HTMLElement {
  const path = `/api/devices/${encodeURIComponent(device.id)}/shift-pattern`;
  const state = el('p', { className: 'admin-note' });
  const running = el('p', {
    className: 'admin-note',
    text: device.checkinDueAt
      ? `On shift now: next check-in due ${clockText(device.checkinDueAt)}.`
      : 'No shift running.',
  });
  const every = input({ type: 'number', min: 1, max: 1440, step: 1, inputmode: 'numeric' });
  const hours = input({ type: 'number', min: 0.25, max: 24, step: 0.25, inputmode: 'decimal' });
  const grace = input({ type: 'number', min: 0, max: 60, step: 1, inputmode: 'numeric' });
  const remove = button('Remove the pattern', 'remove');

  const show = (pattern: ShiftPattern | null) => {
    state.textContent = patternText(pattern);
    every.value = pattern ? String(pattern.intervalS / 60) : '';
    hours.value = pattern ? String(pattern.lengthS / 3600) : '';
    grace.value = pattern ? String(pattern.graceS / 60) : '';
    remove.hidden = pattern === null;
  };
  const seconds = (control: HTMLInputElement, unit: number) =>
    control.value === '' ? undefined : Math.round(control.valueAsNumber * unit);

  const form = actionForm({
    title: 'Lone-worker shifts',
    className: 'admin-form',
    fields: [
      ['intervalS', 'Check in every (minutes)', every],
      ['lengthS', 'Shift length (hours)', hours],
      ['graceS', 'Grace before the alarm (minutes; empty: the ARC default)', grace],
    ],
    extra: [state, running],
    buttons: [button('Save pattern', 'save'), remove],
    async onSubmit(f, submitter) {
      if (submitter?.value === 'remove') {
        if (await f.send('DELETE', path)) show(null);
        return;
      }
      const answer = await f.send<{ pattern: ShiftPattern }>('PUT', path, {
        intervalS: seconds(every, 60),
        lengthS: seconds(hours, 3600),
        graceS: seconds(grace, 60),
      });
      if (answer) show(answer.pattern);
    },
  });
  void callApi<{ pattern: ShiftPattern | null }>('GET', path).then((answer) => {
    if (answer.ok) show(answer.body.pattern);
    else state.textContent = `The shift pattern could not be loaded: ${answer.error.message}`;
  });
  return form.element;
}
