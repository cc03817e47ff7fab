// A wearer's details: name, profile, organisation, notes for the ARC, medical notes, the
// low-battery warning level, whether carers may change safe zones, and the PINs. PINs are
// write-only: the page only ever knows whether one is set, and sends one only when typed.
import type { WearerView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, textarea, type Control } from '../shared/form.js';
import { panel, statusLine } from './admin-section.js';
import type { OrganisationOption } from './organisation-options.js';
import { PROFILE_WORDS } from '../shared/wearer-words.js';

export function profileSelect(selected: string = 'lone_worker'): HTMLSelectElement {
  const select = el('select');
  for (const [value, words] of Object.entries(PROFILE_WORDS))
    select.append(el('option', { attrs: { value, selected: value === selected }, text: words }));
  return select;
}

const pinInput = () => input({ type: 'password', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 8 });
const checkbox = (checked: boolean) => el('input', { attrs: { type: 'checkbox', checked } });

export function wearerDetailsPanel(
  wearer: WearerView,
  organisations: OrganisationOption[] | null,
  saved: (wearer: WearerView) => void,
): HTMLElement {
  const status = statusLine();
  const name = input();
  const profile = profileSelect(wearer.profile);
  const notes = textarea(3);
  const phone = input({ type: 'tel', autocomplete: 'off' });
  const medicalNotes = textarea(3);
  // Write-only: shown only on an open alarm, audited. Empty here means "leave as it is".
  const accessInfo = textarea(2);
  const removeAccessInfo = checkbox(false);
  const lowBattery = input({ type: 'number', min: 1, max: 99, step: 1 });
  const carersEditSafeZones = checkbox(wearer.carersEditSafeZones);
  const safePin = pinInput();
  const duressPin = pinInput();
  const removeSafePin = checkbox(false);
  const removeDuressPin = checkbox(false);
  const organisation = el('select', null, el('option', { attrs: { value: '' }, text: 'None' }));
  for (const o of organisations ?? [])
    organisation.append(el('option', { attrs: { value: o.id }, text: o.urn ? `${o.name} (URN ${o.urn})` : o.name }));

  const pinState = el('p', { className: 'muted small' });
  function fill(w: WearerView): void {
    name.value = w.name;
    profile.value = w.profile;
    notes.value = w.notes;
    phone.value = w.phone ?? '';
    medicalNotes.value = w.medicalNotes;
    accessInfo.value = '';
    accessInfo.placeholder = w.hasAccessInfo
      ? 'Held (not shown here). Type to replace it.'
      : 'Key safe code, door entry, pets, hazards';
    removeAccessInfo.checked = false;
    lowBattery.value = String(w.lowBatteryPercent);
    carersEditSafeZones.checked = w.carersEditSafeZones;
    organisation.value = w.organisationId ?? '';
    for (const control of [safePin, duressPin]) control.value = '';
    removeSafePin.checked = removeDuressPin.checked = false;
    pinState.textContent = `Safe PIN ${w.hasSafePin ? 'set' : 'not set'} · duress PIN ${w.hasDuressPin ? 'set' : 'not set'}. Type a new one to change it.`;
  }

  const fields: [string, string, Control][] = [
    ['name', 'Name', name],
    ['profile', 'Profile', profile],
    ...(organisations ? [['organisationId', 'Organisation', organisation] as [string, string, Control]] : []),
    ['phone', 'Wearer’s own phone (optional)', phone],
    ['notes', 'Notes for the ARC', notes],
    ['medicalNotes', 'Medical notes', medicalNotes],
    ['accessInfo', 'Access information (restricted: shown only on an open alarm, audited)', accessInfo],
    ['removeAccessInfo', 'Remove the access information', removeAccessInfo],
    ['lowBatteryPercent', 'Warn of low battery at (%)', lowBattery],
    ['carersEditSafeZones', 'Carers may change safe zones', carersEditSafeZones],
    ['safePin', 'New safe PIN (4–8 digits)', safePin],
    ['removeSafePin', 'Remove the safe PIN', removeSafePin],
    ['duressPin', 'New duress PIN (4–8 digits)', duressPin],
    ['removeDuressPin', 'Remove the duress PIN', removeDuressPin],
  ];
  const form = actionForm({
    title: '',
    className: 'admin-form',
    fields,
    extra: [pinState],
    buttons: [button('Save details')],
    async onSubmit(f) {
      status.textContent = '';
      const body: Record<string, unknown> = {
        name: name.value,
        profile: profile.value,
        notes: notes.value,
        phone: phone.value.trim() || null,
        medicalNotes: medicalNotes.value,
        lowBatteryPercent: lowBattery.valueAsNumber,
        carersEditSafeZones: carersEditSafeZones.checked,
        ...(organisations && { organisationId: organisation.value || null }),
      };
      if (removeAccessInfo.checked) body.accessInfo = '';
      else if (accessInfo.value.trim()) body.accessInfo = accessInfo.value.trim();
      if (removeSafePin.checked) body.safePin = null;
      else if (safePin.value) body.safePin = safePin.value;
      if (removeDuressPin.checked) body.duressPin = null;
      else if (duressPin.value) body.duressPin = duressPin.value;
      const answer = await f.send<{ wearer: WearerView }>('PATCH', `/api/wearers/${wearer.id}`, body);
      if (!answer) return;
      fill(answer.wearer);
      status.textContent = 'Details saved.';
      saved(answer.wearer);
    },
  });
  fill(wearer);
  return panel('Details and PINs', form.element, status);
}
