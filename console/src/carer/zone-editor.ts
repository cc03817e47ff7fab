// A person's safe zones as a list, and, where the person's settings let carers change them, a
// form to add, change or delete one. Circles are drawn by numbers (centre and radius), which
// works on a phone and by keyboard; an area drawn by the alarm centre keeps its shape here.
import type { CarerPosition, CarerSafeZone, SafeZoneInput } from '../../../api/live/carer-contract.js';
import { callApi, fieldErrors } from '../shared/api-client.js';
import { el, labelled } from '../shared/element.js';
import { coordinatesText } from '../shared/format.js';

export interface ZoneEditorContext {
  wearerId: string;
  wearerName: string;
  editable: boolean;
  /** Where the person is now: the default centre of a new zone. */
  position(): CarerPosition | null;
  /** A zone was added, changed or deleted: reload the zones and the map. */
  changed(): void;
}

const DEFAULT_RADIUS_M = 200;

export function zoneText(zone: CarerSafeZone): string {
  const shape =
    zone.shape.type === 'circle'
      ? `within ${Math.round(zone.shape.radiusM)} m of ${coordinatesText(zone.shape)}`
      : `an area with ${zone.shape.points.length} corners`;
  const hours = zone.activeHours ? `, watched ${zone.activeHours.from} to ${zone.activeHours.to}` : '';
  return `${shape}${hours}${zone.enabled ? '' : ' (switched off)'}`;
}

export function renderZones(container: HTMLElement, zones: CarerSafeZone[], context: ZoneEditorContext): void {
  container.replaceChildren();
  const list = el('ul', { className: 'zone-list' });
  for (const zone of zones) {
    const item = el('li', { dataset: { zoneId: zone.id } }, el('strong', { text: zone.name }), ' — ', zoneText(zone));
    if (context.editable) {
      item.append(
        ' ',
        el('button', {
          attrs: { type: 'button' },
          text: `Change ${zone.name}`,
          on: { click: () => openForm(item, zone) },
        }),
      );
    }
    list.append(item);
  }
  container.append(
    zones.length ? list : el('p', { className: 'muted', text: `No safe zones for ${context.wearerName}.` }),
    context.editable
      ? el('button', {
          attrs: { type: 'button' },
          text: 'Add a safe zone',
          on: { click: (e) => openForm(e.currentTarget as HTMLElement, null) },
        })
      : el('p', { className: 'muted', text: 'The alarm centre sets these zones.' }),
  );

  function openForm(after: HTMLElement, zone: CarerSafeZone | null): void {
    container.querySelector('form.zone-form')?.remove();
    const form = zoneForm(zone, context, () => form.remove());
    after.after(form);
    form.querySelector<HTMLInputElement>('input')?.focus();
  }
}

function zoneForm(zone: CarerSafeZone | null, context: ZoneEditorContext, close: () => void): HTMLFormElement {
  const here = context.position();
  const circle =
    zone === null
      ? { type: 'circle' as const, lat: here?.lat ?? 0, lon: here?.lon ?? 0, radiusM: DEFAULT_RADIUS_M }
      : zone.shape.type === 'circle'
        ? zone.shape
        : null;
  const input = (attrs: Record<string, string | number>) => el('input', { attrs: { required: true, ...attrs } });
  const name = input({ type: 'text', maxlength: 200, value: zone?.name ?? '' });
  const lat = input({
    type: 'number',
    step: 'any',
    min: -90,
    max: 90,
    value: circle && (zone || here) ? circle.lat : '',
  });
  const lon = input({
    type: 'number',
    step: 'any',
    min: -180,
    max: 180,
    value: circle && (zone || here) ? circle.lon : '',
  });
  const radius = input({ type: 'number', step: 1, min: 10, max: 50000, value: circle?.radiusM ?? DEFAULT_RADIUS_M });
  const enabled = el('input', { attrs: { type: 'checkbox', checked: zone?.enabled ?? true } });
  const problem = el('p', { className: 'error', attrs: { role: 'alert' } });
  const fieldProblems = new Map<string, HTMLElement>();
  const field = (label: string, control: HTMLInputElement, key: string) => {
    const message = el('span', { className: 'field-error' });
    fieldProblems.set(key, message);
    const wrapper = labelled(label, control);
    wrapper.append(message);
    return wrapper;
  };
  const useHere = el('button', {
    attrs: { type: 'button' },
    text: `Centre on where ${context.wearerName} is now`,
    on: {
      click: () => {
        const now = context.position();
        if (!now) return void (problem.textContent = `${context.wearerName}'s position is not known yet.`);
        lat.value = String(now.lat);
        lon.value = String(now.lon);
      },
    },
  });
  let confirmDelete = false;
  const remove = el('button', {
    attrs: { type: 'button' },
    text: 'Delete this zone',
    on: {
      click: async () => {
        // Two presses, not a dialog: a phone's confirm box is easy to tap through.
        if (!confirmDelete) {
          confirmDelete = true;
          remove.textContent = `Yes, delete ${zone!.name}`;
          return;
        }
        const result = await callApi('DELETE', `/api/my/wearers/${context.wearerId}/zones/${zone!.id}`);
        if (!result.ok) return void (problem.textContent = result.error.message);
        close();
        context.changed();
      },
    },
  });

  const form = el(
    'form',
    {
      className: 'zone-form',
      attrs: { novalidate: true, 'aria-label': zone ? `Change ${zone.name}` : 'New safe zone' },
    },
    field('Zone name', name, 'name'),
    circle ? field('Centre latitude', lat, 'shape.lat') : null,
    circle ? field('Centre longitude', lon, 'shape.lon') : null,
    circle ? useHere : null,
    circle
      ? field('Radius in metres', radius, 'shape.radiusM')
      : el('p', { className: 'muted', text: 'This area was drawn by the alarm centre; its shape is kept.' }),
    labelled('Zone is on', enabled, 'field inline'),
    problem,
    el(
      'div',
      { className: 'buttons' },
      el('button', { attrs: { type: 'submit' }, text: zone ? 'Save zone' : 'Add zone' }),
      el('button', { attrs: { type: 'button' }, text: 'Cancel', on: { click: close } }),
      zone ? remove : null,
    ),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    for (const message of fieldProblems.values()) message.textContent = '';
    const blank = circle
      ? (
          [
            [lat, 'shape.lat'],
            [lon, 'shape.lon'],
            [radius, 'shape.radiusM'],
          ] as const
        ).filter(([control]) => control.value.trim() === '')
      : [];
    for (const [, key] of blank) fieldProblems.get(key)!.textContent = 'needed';
    if (blank.length) return;
    const body: SafeZoneInput = {
      name: name.value,
      shape: circle
        ? { type: 'circle', lat: Number(lat.value), lon: Number(lon.value), radiusM: Number(radius.value) }
        : zone!.shape,
      activeHours: zone?.activeHours ?? null,
      enabled: enabled.checked,
    };
    const result = zone
      ? await callApi('PUT', `/api/my/wearers/${context.wearerId}/zones/${zone.id}`, body)
      : await callApi('POST', `/api/my/wearers/${context.wearerId}/zones`, body);
    if (!result.ok) {
      const byField = fieldErrors(result.error);
      let shown = false;
      for (const [key, message] of byField) {
        const target = fieldProblems.get(key);
        if (target) {
          target.textContent = message;
          shown = true;
        }
      }
      if (!shown) problem.textContent = result.error.message;
      return;
    }
    close();
    context.changed();
  });
  return form;
}
