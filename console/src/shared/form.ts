// Small forms: labelled fields, each with its error line beside it, filled from the ARC's
// validation `details` ([{field, message}]); anything else goes to the form's own alert line.
// Sending never throws. Used by the alarm actions and the administration screens.
import type { AlarmView } from '../../../api/live/console-contract.js';
import { callApi, fieldErrors, type ApiError } from '../shared/api-client.js';
import { el, type Child } from '../shared/element.js';

export type Control = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

export interface ActionForm {
  readonly element: HTMLFormElement;
  readonly fields: Map<string, Control>;
  /** Clears every field error and the form's alert. */
  clearErrors(): void;
  /** Shows a refusal: per field where the ARC named one, else on the form. */
  showError(error: ApiError, fieldForCode?: Record<string, string>): void;
  showFieldError(name: string, message: string): void;
  /** POSTs; returns the alarm from the answer, or null after showing why not. */
  post(path: string, body: unknown, fieldForCode?: Record<string, string>): Promise<AlarmView | null>;
  /** Any call; returns the answer's body, or null after showing why not. Buttons are off meanwhile. */
  send<T>(method: string, path: string, body?: unknown, fieldForCode?: Record<string, string>): Promise<T | null>;
}

let formCounter = 0;

/**
 * `fields` are [name, label, control]; the name is the body field the ARC reports errors on.
 * `buttons` are the form's submit buttons.
 */
export function actionForm(options: {
  title: string;
  className?: string;
  fields: [name: string, label: string, control: Control][];
  buttons: HTMLButtonElement[];
  extra?: Child[];
  onSubmit(form: ActionForm, submitter: HTMLButtonElement | null): void;
}): ActionForm {
  const id = `action-${++formCounter}`;
  const fields = new Map<string, Control>();
  const errors = new Map<string, HTMLElement>();
  const alert = el('p', { className: 'form-error', attrs: { role: 'alert' } });
  const rows = options.fields.map(([name, label, control]) => {
    control.id = `${id}-${name}`;
    control.name = name;
    const error = el('p', { className: 'field-error', attrs: { id: `${id}-${name}-error` } });
    control.setAttribute('aria-describedby', error.id);
    fields.set(name, control);
    errors.set(name, error);
    return el('div', { className: 'field' }, el('label', { attrs: { for: control.id }, text: label }), control, error);
  });
  for (const button of options.buttons) button.type = 'submit';
  const element = el(
    'form',
    // No title: the form sits under a heading of its own (an administration panel).
    {
      className: `action-form ${options.className ?? ''}`,
      attrs: { 'aria-labelledby': options.title ? `${id}-title` : null, novalidate: true },
    },
    options.title ? el('h4', { attrs: { id: `${id}-title` }, text: options.title }) : null,
    ...rows,
    ...(options.extra ?? []),
    el('div', { className: 'buttons' }, ...options.buttons),
    alert,
  );

  const form: ActionForm = {
    element,
    fields,
    clearErrors() {
      alert.textContent = '';
      for (const [name, error] of errors) {
        error.textContent = '';
        fields.get(name)!.removeAttribute('aria-invalid');
      }
    },
    showFieldError(name, message) {
      const error = errors.get(name);
      if (!error) {
        alert.textContent = message;
        return;
      }
      error.textContent = message;
      fields.get(name)!.setAttribute('aria-invalid', 'true');
    },
    showError(error, fieldForCode = {}) {
      const byField = fieldErrors(error);
      const named = [...byField].filter(([field]) => errors.has(field));
      for (const [field, message] of named) form.showFieldError(field, message);
      if (fieldForCode[error.code]) form.showFieldError(fieldForCode[error.code], error.message);
      else if (named.length === 0) alert.textContent = error.message;
    },
    async post(path, body, fieldForCode) {
      const answer = await form.send<{ alarm: AlarmView }>('POST', path, body, fieldForCode);
      return answer?.alarm ?? null;
    },
    async send<T>(method: string, path: string, body?: unknown, fieldForCode?: Record<string, string>) {
      form.clearErrors();
      const buttons = [...element.querySelectorAll('button')];
      for (const button of buttons) button.disabled = true;
      const result = await callApi<T>(method, path, body);
      for (const button of buttons) button.disabled = false;
      if (result.ok) return result.body;
      form.showError(result.error, fieldForCode);
      return null;
    },
  };
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    options.onSubmit(form, event.submitter as HTMLButtonElement | null);
  });
  return form;
}

export const input = (attrs: Record<string, string | number | boolean> = {}) =>
  el('input', { attrs: { type: 'text', autocomplete: 'off', ...attrs } });
export const textarea = (rows = 2) => el('textarea', { attrs: { rows } });
export const button = (text: string, value = '', className = '') => el('button', { className, text, attrs: { value } });

/** The trimmed value, or undefined when empty (the ARC takes a missing optional field, not ""). */
export function optional(control: Control): string | undefined {
  const value = control.value.trim();
  return value === '' ? undefined : value;
}
