// The carers who may follow this wearer in the carer view: link a carer account, or unlink one
// (they stop seeing the wearer at once; the ARC moves their live feed too).
import type { LinkedCarerView, UserAccountView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button } from '../shared/form.js';
import { panel, statusLine } from './admin-section.js';

export function carerLinksPanel(wearerId: string): HTMLElement {
  const status = statusLine();
  const list = el('ul', { className: 'admin-list' });
  const carer = el('select');
  let carers: UserAccountView[] = [];

  const form = actionForm({
    title: 'Link a carer',
    className: 'admin-form',
    fields: [['carerId', 'Carer account', carer]],
    buttons: [button('Link carer')],
    async onSubmit(f) {
      status.textContent = '';
      const chosen = carers.find((c) => c.id === carer.value);
      if (!chosen) return f.showFieldError('carerId', 'choose a carer');
      if (await f.send('POST', '/api/carer-links', { carerId: chosen.id, wearerId })) {
        status.textContent = `${chosen.name} linked.`;
        await load();
      }
    },
  });

  async function unlink(linked: LinkedCarerView): Promise<void> {
    const answer = await callApi('DELETE', '/api/carer-links', { carerId: linked.id, wearerId });
    status.textContent = answer.ok ? `${linked.name} unlinked.` : answer.error.message;
    await load();
  }

  async function load(): Promise<void> {
    const [linked, users] = await Promise.all([
      callApi<{ carers: LinkedCarerView[] }>('GET', `/api/wearers/${wearerId}/carers`),
      callApi<{ users: UserAccountView[] }>('GET', '/api/users'),
    ]);
    if (!linked.ok) {
      status.textContent = `The linked carers could not be loaded: ${linked.error.message}`;
      return;
    }
    const linkedIds = new Set(linked.body.carers.map((c) => c.id));
    list.replaceChildren(
      ...linked.body.carers.map((c) =>
        el(
          'li',
          { dataset: { carerId: c.id } },
          el('strong', { text: c.name }),
          ` ${c.email}${c.disabled ? ' (account disabled)' : ''} `,
          el('button', { attrs: { type: 'button' }, text: `Unlink ${c.name}`, on: { click: () => void unlink(c) } }),
        ),
      ),
    );
    if (linked.body.carers.length === 0) list.append(el('li', { className: 'muted', text: 'No carers linked.' }));
    carers = users.ok ? users.body.users.filter((u) => u.role === 'carer' && !u.disabled && !linkedIds.has(u.id)) : [];
    carer.replaceChildren(
      ...carers.map((c) => el('option', { attrs: { value: c.id }, text: `${c.name} (${c.email})` })),
    );
    form.element.hidden = carers.length === 0;
  }

  void load();
  return panel('Carers who may follow this wearer', list, status, form.element);
}
