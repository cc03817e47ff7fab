// Wearers: a searchable list with a form to add one, and each wearer's page
// (#/admin/wearers/<id>) with everything the ARC keeps about them, one panel per job: details
// and PINs, police URN, contacts, response plan, zones drawn on the map, linked carers.
import type { WearerView } from '../../../api/live/console-contract.js';
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import { PROFILE_WORDS } from '../shared/wearer-words.js';
import type { AdminContext, AdminSection } from './admin-section.js';
import { carerLinksPanel } from './carer-links-panel.js';
import { contactsPanel } from './contacts-panel.js';
import { loadOrganisations } from './organisation-options.js';
import { policePanel } from './police-panel.js';
import { planPanel } from './plan-panel.js';
import { profileSelect, wearerDetailsPanel } from './wearer-details-panel.js';
import { zonesPanel, type ZonesPanel } from './zones-panel.js';
import { homePanel, type HomePanel } from './home-panel.js';
import { isAdministrator, tableHead } from './admin-section.js';
import { dataProtectionPanel } from './data-protection-panel.js';

export function createWearersAdmin(context: AdminContext): AdminSection {
  let zones: ZonesPanel | null = null;
  let home: HomePanel | null = null;
  let shown = 0; // drops answers that arrive after the screen changed

  async function showList(container: HTMLElement, ticket: number): Promise<void> {
    const search = el('input', { attrs: { type: 'search', autocomplete: 'off', placeholder: 'Name or profile' } });
    const rows = el('tbody');
    const status = el('p', { className: 'muted', attrs: { role: 'status' } });
    const name = input({ autocomplete: 'off' });
    const profile = profileSelect();
    const add = actionForm({
      title: 'Add a wearer',
      className: 'admin-form',
      fields: [
        ['name', 'Name', name],
        ['profile', 'Profile', profile],
      ],
      buttons: [button('Add wearer')],
      async onSubmit(form) {
        const answer = await form.send<{ wearer: WearerView }>('POST', '/api/wearers', {
          name: name.value,
          profile: profile.value,
        });
        if (answer) context.go(`#/admin/wearers/${answer.wearer.id}`);
      },
    });
    container.append(
      el(
        'div',
        { className: 'admin-columns' },
        el(
          'section',
          { attrs: { 'aria-labelledby': 'wearers-list-heading' } },
          el('h2', { attrs: { id: 'wearers-list-heading' }, text: 'Wearers' }),
          el(
            'div',
            { className: 'field inline' },
            el('label', { attrs: { for: 'wearer-search' }, text: 'Search wearers' }),
            Object.assign(search, { id: 'wearer-search' }),
          ),
          status,
          el(
            'table',
            { className: 'admin-table' },
            tableHead('Name', 'Profile', 'Organisation', 'PINs', 'Carers edit zones'),
            rows,
          ),
        ),
        add.element,
      ),
    );
    const [answer, organisations] = await Promise.all([
      callApi<{ wearers: WearerView[] }>('GET', '/api/wearers'),
      loadOrganisations(),
    ]);
    if (ticket !== shown) return;
    if (!answer.ok) {
      status.textContent = `The wearers could not be loaded: ${answer.error.message}`;
      return;
    }
    const wearers = answer.body.wearers;
    const organisationName = (id: string | null | undefined) => organisations?.find((o) => o.id === id)?.name ?? '—';
    const draw = () => {
      const query = search.value.trim().toLowerCase();
      const matching = wearers.filter(
        (w) => !query || w.name.toLowerCase().includes(query) || PROFILE_WORDS[w.profile].toLowerCase().includes(query),
      );
      rows.replaceChildren(
        ...matching.map((w) =>
          el(
            'tr',
            { dataset: { wearerId: w.id } },
            el('td', null, el('a', { attrs: { href: `#/admin/wearers/${w.id}` }, text: w.name })),
            el('td', { text: PROFILE_WORDS[w.profile] }),
            el('td', { text: organisationName(w.organisationId) }),
            el('td', {
              text: [w.hasSafePin ? 'safe' : '', w.hasDuressPin ? 'duress' : ''].filter(Boolean).join(', ') || 'none',
            }),
            el('td', { text: w.carersEditSafeZones ? 'yes' : 'no' }),
          ),
        ),
      );
      status.textContent = `${matching.length} of ${wearers.length} wearers`;
    };
    search.addEventListener('input', draw);
    draw();
  }

  async function showWearer(container: HTMLElement, id: string, ticket: number): Promise<void> {
    const [answer, organisations] = await Promise.all([
      callApi<{ wearer: WearerView }>('GET', `/api/wearers/${encodeURIComponent(id)}`),
      loadOrganisations(),
    ]);
    if (ticket !== shown) return;
    const back = el('p', null, el('a', { attrs: { href: '#/admin/wearers' }, text: '← All wearers' }));
    if (!answer.ok) {
      container.append(
        back,
        el('p', { className: 'form-error', attrs: { role: 'alert' }, text: answer.error.message }),
      );
      return;
    }
    const wearer = answer.body.wearer;
    const heading = el('h2', { text: wearer.name });
    const refreshPlan: Array<() => void> = [];
    const police = policePanel(wearer.id);
    const panels = {
      details: wearerDetailsPanel(wearer, organisations, (saved) => {
        heading.textContent = saved.name;
        for (const refresh of refreshPlan) refresh(); // a new profile may mean another default plan
        police.reload(); // another organisation may mean another URN in force
      }),
      police: police.element,
      contacts: contactsPanel(wearer.id, () => plan.reload(true)),
      carers: carerLinksPanel(wearer.id),
      // Subject access and erasure: administrators only (the ARC refuses anyone else).
      dataProtection: isAdministrator(context.me)
        ? dataProtectionPanel(wearer, () => context.go('#/admin/wearers'))
        : null,
    };
    const plan = planPanel(wearer.id);
    refreshPlan.push(() => plan.reload());
    zones = zonesPanel(wearer.id, context.tiles);
    home = homePanel(wearer, context.tiles);
    container.append(
      back,
      heading,
      el(
        'div',
        { className: 'admin-grid' },
        panels.details,
        home.element,
        panels.police,
        panels.contacts,
        plan.element,
        zones.element,
        panels.carers,
        panels.dataProtection,
      ),
    );
    home.show();
    zones.show();
  }

  return {
    show(container, id) {
      const ticket = ++shown;
      if (id) void showWearer(container, id, ticket);
      else void showList(container, ticket);
    },
    hide() {
      shown++;
      zones?.destroy();
      zones = null;
      home?.destroy();
      home = null;
    },
  };
}
