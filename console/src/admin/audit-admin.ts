// The audit log for administrators (docs/reference/data-protection.md, "The audit"): who did or looked at what, about
// whom, when. Filters go to GET /api/audit as they are (the ARC filters and pages); "Download
// CSV" is the same selection as a file. Looks at positions (a wearer's record, an alarm and its
// trail, the device list, following a device, a carer's refused look) have a filter of their own.
import { callApi } from '../shared/api-client.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import type { AdminContext, AdminSection } from './admin-section.js';
import './admin-extra.css';
import { tableHead } from './admin-section.js';

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

/** The audit actions of staff and carer looks at a wearer's position or trail. */
export const LOOK_ACTIONS = [
  'wearer.viewed',
  'alarm.viewed',
  'device.positions_viewed',
  'device.followed',
  'carer.look_refused',
  'carer.viewed_locations',
];
const LOOKS = '__looks__';
const PAGE = 100;

/** A datetime-local value (the browser's local time) as an ISO instant, or undefined if empty. */
const instant = (value: string) => (value ? new Date(value).toISOString() : undefined);

export function createAuditAdmin(_context: AdminContext): AdminSection {
  let ticket = 0;

  /** `aboutId`: from #/admin/audit/<id>, the entries about one wearer (their page links here). */
  function show(container: HTMLElement, aboutId: string | null): void {
    const mine = ++ticket;
    const who = input({ placeholder: 'part of an email' });
    const about = input({ placeholder: 'wearer, device or alarm id', spellcheck: 'false', value: aboutId ?? '' });
    const action = el(
      'select',
      null,
      el('option', { attrs: { value: '' }, text: 'Any action' }),
      el('option', { attrs: { value: LOOKS }, text: 'Looks at positions (all kinds)' }),
    );
    const from = input({ type: 'datetime-local' });
    const to = input({ type: 'datetime-local' });
    const rows = el('tbody');
    const status = el('p', { className: 'muted', attrs: { role: 'status' } });
    const more = el('button', { attrs: { type: 'button', hidden: true }, text: 'Older entries' });
    const csv = el('a', {
      className: 'button-link',
      attrs: { href: '/api/audit?format=csv', download: '' },
      text: 'Download CSV',
    });
    let nextBefore: number | null = null;
    let shown = 0;
    let loading = 0; // an answer to an earlier filter must not land over a later one's

    function query(): URLSearchParams {
      const q = new URLSearchParams();
      if (who.value.trim()) q.set('actor', who.value.trim());
      if (about.value.trim()) q.set('about', about.value.trim());
      if (action.value) q.set('action', action.value === LOOKS ? LOOK_ACTIONS.join(',') : action.value);
      const f = instant(from.value);
      const t = instant(to.value);
      if (f) q.set('from', f);
      if (t) q.set('to', t);
      return q;
    }

    async function load(append: boolean): Promise<void> {
      const q = query();
      csv.setAttribute('href', `/api/audit?${new URLSearchParams([...q, ['format', 'csv']])}`);
      q.set('limit', String(PAGE));
      if (append && nextBefore !== null) q.set('before', String(nextBefore));
      const mineLoad = ++loading;
      const answer = await callApi<{ entries: AuditEntry[]; nextBefore: number | null }>('GET', `/api/audit?${q}`);
      if (mine !== ticket || mineLoad !== loading) return;
      if (!answer.ok) {
        status.textContent = `The audit log could not be loaded: ${answer.error.message}`;
        return;
      }
      const drawn = answer.body.entries.map((e) =>
        el(
          'tr',
          { dataset: { auditId: e.id } },
          el('td', { text: new Date(e.at).toLocaleString('en-GB') }),
          el('td', { text: e.actor }),
          el('td', { className: 'audit-action', text: e.action }),
          el('td', { className: 'audit-target', text: e.target ?? '—' }),
          el('td', { className: 'audit-detail', text: Object.keys(e.detail).length ? JSON.stringify(e.detail) : '' }),
        ),
      );
      if (append) rows.append(...drawn);
      else rows.replaceChildren(...drawn);
      shown = (append ? shown : 0) + drawn.length;
      nextBefore = answer.body.nextBefore;
      more.hidden = nextBefore === null;
      status.textContent = `${shown} entries${nextBefore === null ? '' : ' (more older)'}`;
    }

    const filters = actionForm({
      title: 'Filter',
      className: 'admin-form audit-filters',
      fields: [
        ['actor', 'Who', who],
        ['about', 'About whom', about],
        ['action', 'What', action],
        ['from', 'From', from],
        ['to', 'Until', to],
      ],
      buttons: [button('Show entries', 'show', 'primary')],
      onSubmit() {
        void load(false);
      },
    });
    more.addEventListener('click', () => void load(true));

    container.append(
      el(
        'section',
        { className: 'audit-screen', attrs: { 'aria-labelledby': 'audit-heading' } },
        el('h2', { attrs: { id: 'audit-heading' }, text: 'Audit log' }),
        filters.element,
        el('p', null, csv),
        status,
        el(
          'div',
          { className: 'admin-scroll' },
          el(
            'table',
            { className: 'admin-table audit-table' },
            tableHead('When', 'Who', 'What', 'About', 'Detail'),
            rows,
          ),
        ),
        more,
      ),
    );
    void callApi<{ actions: string[] }>('GET', '/api/audit/actions').then((answer) => {
      if (mine !== ticket || !answer.ok) return;
      action.append(...answer.body.actions.map((a) => el('option', { attrs: { value: a }, text: a })));
    });
    void load(false);
  }

  return {
    show(container, id) {
      show(container, id);
    },
    hide() {
      ticket++;
    },
  };
}
