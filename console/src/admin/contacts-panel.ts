// A wearer's contacts in the order the response plan tries them: add, change, move up or down,
// remove. Hours are when a contact may be called (UK time; may wrap midnight); none = any time.
import type { ContactView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, optional } from '../shared/form.js';
import { panel, statusLine } from './admin-section.js';

export function contactText(c: ContactView): string {
  const ways = [c.phone, c.email].filter(Boolean).join(', ');
  const hours = c.hours ? `, ${c.hours.from}–${c.hours.to}` : ', any time';
  return `${c.relationship ? ` (${c.relationship})` : ''} — ${ways}${hours}`;
}

export function contactsPanel(wearerId: string, changed: () => void): HTMLElement {
  const status = statusLine();
  const list = el('ol', { className: 'admin-list' });
  let contacts: ContactView[] = [];
  let editing: ContactView | null = null;
  let loaded = false;

  const name = input();
  const relationship = input();
  const phone = input({ type: 'tel', autocomplete: 'off' });
  const email = input({ type: 'email', autocomplete: 'off' });
  const from = input({ type: 'time' });
  const to = input({ type: 'time' });
  const position = input({ type: 'number', min: 1, step: 1 });
  const save = button('Add contact');
  const cancel = el('button', { attrs: { type: 'button' }, text: 'Cancel change', on: { click: () => edit(null) } });
  cancel.hidden = true;

  const form = actionForm({
    title: 'Add a contact',
    className: 'admin-form',
    fields: [
      ['name', 'Name', name],
      ['relationship', 'Relationship', relationship],
      ['phone', 'Phone', phone],
      ['email', 'Email', email],
      ['hours.from', 'May be called from (empty: any time)', from],
      ['hours.to', 'until', to],
      ['position', 'Position in the order', position],
    ],
    buttons: [save],
    extra: [cancel],
    async onSubmit(f) {
      status.textContent = '';
      const hours = from.value || to.value ? { from: from.value, to: to.value } : null;
      const body = {
        name: name.value,
        relationship: relationship.value,
        phone: optional(phone) ?? null,
        email: optional(email) ?? null,
        hours,
        ...(position.value && { position: position.valueAsNumber }),
      };
      const answer = editing
        ? await f.send<{ contacts: ContactView[] }>('PATCH', `/api/contacts/${editing.id}`, body)
        : await f.send<{ contacts: ContactView[] }>('POST', `/api/wearers/${wearerId}/contacts`, body);
      if (!answer) return;
      status.textContent = editing ? `${body.name} changed.` : `${body.name} added.`;
      edit(null);
      draw(answer.contacts);
    },
  });
  const title = form.element.querySelector('h4')!;

  function edit(contact: ContactView | null): void {
    editing = contact;
    form.clearErrors();
    name.value = contact?.name ?? '';
    relationship.value = contact?.relationship ?? '';
    phone.value = contact?.phone ?? '';
    email.value = contact?.email ?? '';
    from.value = contact?.hours?.from ?? '';
    to.value = contact?.hours?.to ?? '';
    position.value = contact ? String(contact.position) : '';
    title.textContent = contact ? `Change ${contact.name}` : 'Add a contact';
    save.textContent = contact ? 'Save contact' : 'Add contact';
    cancel.hidden = !contact;
    if (contact) name.focus();
  }

  async function change(method: string, path: string, body: unknown, done: string): Promise<void> {
    status.textContent = '';
    const answer = await callApi<{ contacts: ContactView[] }>(method, path, body);
    if (!answer.ok) {
      status.textContent = answer.error.message;
      return;
    }
    status.textContent = done;
    draw(answer.body.contacts);
  }

  function draw(next: ContactView[]): void {
    contacts = next;
    list.replaceChildren(
      ...contacts.map((c, i) =>
        el(
          'li',
          { dataset: { contactId: c.id } },
          el('strong', { text: c.name }),
          contactText(c),
          el(
            'span',
            { className: 'row-buttons' },
            el('button', {
              attrs: { type: 'button', disabled: i === 0, 'aria-label': `Move ${c.name} up` },
              text: '↑',
              on: {
                click: () =>
                  void change('PATCH', `/api/contacts/${c.id}`, { position: c.position - 1 }, `${c.name} moved up.`),
              },
            }),
            el('button', {
              attrs: { type: 'button', disabled: i === contacts.length - 1, 'aria-label': `Move ${c.name} down` },
              text: '↓',
              on: {
                click: () =>
                  void change('PATCH', `/api/contacts/${c.id}`, { position: c.position + 1 }, `${c.name} moved down.`),
              },
            }),
            el('button', { attrs: { type: 'button' }, text: `Change ${c.name}`, on: { click: () => edit(c) } }),
            el('button', {
              attrs: { type: 'button' },
              text: `Remove ${c.name}`,
              on: { click: () => void change('DELETE', `/api/contacts/${c.id}`, undefined, `${c.name} removed.`) },
            }),
          ),
        ),
      ),
    );
    if (contacts.length === 0) list.append(el('li', { className: 'muted', text: 'No contacts yet.' }));
    if (loaded) changed(); // the plan's warnings name contacts by position
    loaded = true;
  }

  void callApi<{ contacts: ContactView[] }>('GET', `/api/wearers/${wearerId}/contacts`).then((answer) => {
    if (answer.ok) draw(answer.body.contacts);
    else status.textContent = `The contacts could not be loaded: ${answer.error.message}`;
  });
  return panel('Contacts (in calling order)', list, status, form.element);
}
