// The carer's own choices: which kinds of alarm to be told about, and by email (to the login
// address) or text message. A duress alarm is never among them: it is never told to a carer.
import {
  CARER_ALARM_KINDS,
  CARER_ALARM_KIND_LABELS,
  type CarerAlarmKind,
} from '../../../api/rules/carer-alarm-words.js';
import type { CarerPreferences } from '../../../api/live/carer-contract.js';
import { callApi, fieldErrors } from '../shared/api-client.js';
import { el, labelled } from '../shared/element.js';

interface PreferencesAnswer {
  email: string;
  preferences: CarerPreferences;
}

export async function renderPreferences(container: HTMLElement): Promise<void> {
  const loaded = await callApi<PreferencesAnswer>('GET', '/api/my/preferences');
  if (!loaded.ok) {
    container.replaceChildren(
      el('p', {
        className: 'error',
        attrs: { role: 'alert' },
        text: `Your choices cannot be loaded: ${loaded.error.message}`,
      }),
    );
    return;
  }
  const { email, preferences } = loaded.body;

  const kinds = new Map<CarerAlarmKind, HTMLInputElement>();
  const kindBoxes = CARER_ALARM_KINDS.map((kind) => {
    const box = el('input', {
      attrs: { type: 'checkbox', name: 'kinds', value: kind, checked: preferences.kinds.includes(kind) },
    });
    kinds.set(kind, box);
    return labelled(CARER_ALARM_KIND_LABELS[kind], box, 'field inline');
  });
  const radio = (value: 'email' | 'sms') =>
    el('input', { attrs: { type: 'radio', name: 'channel', value, checked: preferences.channel === value } });
  const byEmail = radio('email');
  const byText = radio('sms');
  const phone = el('input', {
    attrs: { type: 'tel', autocomplete: 'tel', maxlength: 20, value: preferences.phone ?? '' },
  });
  const phoneError = el('span', { className: 'field-error' });
  const phoneField = labelled('Mobile number for text messages', phone);
  phoneField.append(phoneError);
  const saved = el('p', { className: 'saved', attrs: { role: 'status' } });
  const problem = el('p', { className: 'error', attrs: { role: 'alert' } });

  const form = el(
    'form',
    { attrs: { novalidate: true, 'aria-label': 'Messages to me' } },
    el('fieldset', null, el('legend', { text: 'Tell me about' }), ...kindBoxes),
    el(
      'fieldset',
      null,
      el('legend', { text: 'How' }),
      labelled(`Email to ${email}`, byEmail, 'field inline'),
      labelled('Text message', byText, 'field inline'),
      phoneField,
    ),
    problem,
    el('button', { attrs: { type: 'submit' }, text: 'Save my choices' }),
    saved,
  );
  form.addEventListener('input', () => (saved.textContent = ''));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = phoneError.textContent = saved.textContent = '';
    const body = {
      channel: byText.checked ? 'sms' : 'email',
      phone: phone.value.trim() === '' ? null : phone.value.trim(),
      kinds: CARER_ALARM_KINDS.filter((kind) => kinds.get(kind)!.checked),
    };
    const result = await callApi<PreferencesAnswer>('PUT', '/api/my/preferences', body);
    if (!result.ok) {
      const message = fieldErrors(result.error).get('phone');
      if (message) phoneError.textContent = message;
      else problem.textContent = result.error.message;
      return;
    }
    saved.textContent = result.body.preferences.kinds.length
      ? `Saved. You will be told by ${result.body.preferences.channel === 'sms' ? 'text message' : 'email'}.`
      : 'Saved. You will not be sent messages; this page still shows every alarm.';
  });
  container.replaceChildren(form);
}
