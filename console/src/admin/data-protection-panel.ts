// The wearer's data protection panel (administrators): download everything held on them (subject
// access, as JSON or readable text) and erase them at contract end. The ARC refuses an erasure
// while an alarm is open and keeps their alarms anonymised; this panel only asks for the name
// typed again, as the ARC does.
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import { panel, statusLine } from './admin-section.js';

export function dataProtectionPanel(wearer: { id: string; name: string }, erased: () => void): HTMLElement {
  const status = statusLine();
  const exportPath = (format: 'json' | 'text') =>
    `/api/wearers/${encodeURIComponent(wearer.id)}/export?format=${format}`;
  const downloads = el(
    'p',
    null,
    el('a', {
      className: 'button-link',
      attrs: { href: exportPath('json'), download: '' },
      text: 'Download all data (JSON)',
    }),
    ' ',
    el('a', {
      className: 'button-link',
      attrs: { href: exportPath('text'), download: '' },
      text: 'Download all data (readable text)',
    }),
  );
  const confirmName = input({ maxlength: 200 });
  const erase = actionForm({
    title: 'Erase at contract end',
    className: 'admin-form',
    fields: [['confirmName', `Type “${wearer.name}” to confirm`, confirmName]],
    extra: [
      el('p', {
        className: 'admin-note',
        text: 'Deletes the profile, notes, PINs, contacts, zones, carer links and every position. Alarms stay for the retention period without anything that identifies the wearer. This cannot be undone.',
      }),
    ],
    buttons: [button('Erase this wearer', '', 'danger')],
    async onSubmit(form) {
      status.textContent = '';
      const answer = await form.send<{ erased: { alarmsAnonymised: number } }>(
        'POST',
        `/api/wearers/${encodeURIComponent(wearer.id)}/erase`,
        { confirmName: confirmName.value },
      );
      if (!answer) return;
      status.textContent = `Erased; ${answer.erased.alarmsAnonymised} alarms kept anonymised.`;
      erased();
    },
  });
  const looks = el(
    'p',
    null,
    el('a', {
      attrs: { href: `#/admin/audit/${encodeURIComponent(wearer.id)}` },
      text: 'Audit entries about this wearer',
    }),
  );
  return panel(
    'Data protection',
    el('p', { className: 'admin-note', text: 'Each download and the erasure are recorded in the audit log.' }),
    downloads,
    looks,
    erase.element,
    status,
  );
}
