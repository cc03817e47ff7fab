// The device's SIM number (plan step "Call X on their device"), one field for the provisioning
// form and the device's settings. Checked in the page by the same rule the ARC applies
// (api/routes/phone-number.ts), so a mistyped number is shown on the field before anything is sent.
import { PhoneNumber } from '../../../api/routes/phone-number.js';
import type { ActionForm, Control } from '../shared/form.js';
import { input } from '../shared/form.js';

export const SIM_NUMBER_LABEL = 'SIM number, if the device takes calls (optional)';

export interface SimNumberField {
  /** [name, label, control] for actionForm's fields. */
  readonly field: [string, string, Control];
  /** The number as the ARC takes it (trimmed; null when empty), or undefined after showing why it is no number. */
  read(form: ActionForm): string | null | undefined;
  clear(): void;
}

export function simNumberField(value: string | null = null): SimNumberField {
  const control = input({ type: 'tel', autocomplete: 'off', value: value ?? '', placeholder: 'e.g. +44 7700 900001' });
  return {
    field: ['simNumber', SIM_NUMBER_LABEL, control],
    read(form) {
      const typed = control.value.trim();
      if (typed === '') return null;
      const parsed = PhoneNumber.safeParse(typed);
      if (parsed.success) return parsed.data;
      form.showFieldError('simNumber', parsed.error.issues[0]?.message ?? 'not a phone number');
      return undefined;
    },
    clear() {
      control.value = '';
    },
  };
}
