// Organisations wearers belong to (an employer, a housing provider) and the police URN a force
// issued to each. BS 8484 lets the police issue the URN per wearer or per organisation; the
// wearer's own wins (api/rules/police-urn.ts), and the screen says so where the URN is typed.
// Supervisors and administrators both change them (as the ARC allows).
import type { OrganisationView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { actionForm, button, input, textarea } from '../shared/form.js';
import type { AdminContext, AdminSection } from './admin-section.js';
import './admin-extra.css';
import { isAdministrator, listingScreen, loadListing } from './admin-section.js';
import { organisationSettingsPanel } from './organisation-settings-panel.js';

const OVERRIDE_RULE =
  "A wearer's own police URN overrides the organisation's: the organisation's URN, and a withdrawal of police response made against it, apply only to its wearers who have no URN of their own. A wearer's own withdrawal always applies.";

/** The ARC names no field when a name is taken: it is about the name. */
const NAME_ERRORS = { ARC_ERR_ORGANISATION_EXISTS: 'name' };

export function createOrganisationsAdmin(context: AdminContext): AdminSection {
  const administrator = isAdministrator(context.me);
  let ticket = 0;
  let screen: {
    ticket: number;
    chosen: string | null;
    rows: HTMLTableSectionElement;
    status: HTMLElement;
    side: HTMLElement;
  } | null = null;
  let organisations: OrganisationView[] = [];

  async function loadList(): Promise<boolean> {
    const body = await loadListing<{ organisations: OrganisationView[] }>(
      () => screen,
      '/api/organisations',
      'The organisations',
    );
    if (!body) return false;
    organisations = body.organisations;
    drawRows();
    return true;
  }

  function policeText(o: OrganisationView): string {
    return o.policeWithdrawn
      ? `Withdrawn${o.policeWithdrawnReason ? `: ${o.policeWithdrawnReason}` : ''}`
      : 'Police may be called';
  }

  function drawRows(): void {
    if (!screen) return;
    screen.rows.replaceChildren(
      ...organisations.map((o) => {
        const chosen = o.id === screen!.chosen;
        return el(
          'tr',
          { className: chosen ? 'is-chosen' : '', dataset: { organisationId: o.id } },
          el(
            'td',
            null,
            el('a', {
              attrs: { href: `#/admin/organisations/${o.id}`, 'aria-current': chosen ? 'true' : null },
              text: o.name,
            }),
          ),
          el('td', { className: 'urn', text: o.urn ?? 'none' }),
          el('td', { className: o.policeWithdrawn ? 'withdrawn' : '', text: policeText(o) }),
          el('td', { className: 'number', text: String(o.wearerCount) }),
        );
      }),
    );
    screen.status.textContent = `${organisations.length} ${organisations.length === 1 ? 'organisation' : 'organisations'}`;
  }

  /** The form for a new organisation (none given) or for changing one. */
  function organisationForm(organisation: OrganisationView | null): HTMLElement {
    const name = input({ value: organisation?.name ?? '' });
    const urn = input({
      value: organisation?.urn ?? '',
      spellcheck: 'false',
      placeholder: 'exactly as the force issued it',
    });
    const withdrawn = input({ type: 'checkbox' });
    withdrawn.checked = organisation?.policeWithdrawn ?? false;
    const reason = textarea(2);
    reason.value = organisation?.policeWithdrawnReason ?? '';
    const status = el('p', { className: 'action-status', attrs: { role: 'status' } });
    // How long its data is kept (docs/reference/data-protection.md): administrators change it; the ARC's
    // defaults apply to a new organisation left as it is.
    const retention = {
      locationRetentionDays: input({
        type: 'number',
        min: 1,
        max: 3650,
        value: organisation?.locationRetentionDays ?? 90,
      }),
      alarmRetentionDays: input({
        type: 'number',
        min: 365,
        max: 36500,
        value: organisation?.alarmRetentionDays ?? 2557,
      }),
      auditRetentionDays: input({
        type: 'number',
        min: 365,
        max: 36500,
        value: organisation?.auditRetentionDays ?? 2557,
      }),
    };
    for (const control of Object.values(retention)) control.disabled = !administrator;
    const retentionFields: [string, string, HTMLInputElement][] = [
      ['locationRetentionDays', 'Keep routine location history (days)', retention.locationRetentionDays],
      ['alarmRetentionDays', 'Keep alarms (days)', retention.alarmRetentionDays],
      ['auditRetentionDays', 'Keep the audit log (days)', retention.auditRetentionDays],
    ];
    const form = actionForm({
      title: organisation ? 'Change the organisation' : 'Add an organisation',
      className: 'admin-form',
      fields: [
        ['name', 'Name', name],
        ['urn', 'Police URN (leave empty for none)', urn],
        ['policeWithdrawn', 'Police response withdrawn for this URN', withdrawn],
        ['policeWithdrawnReason', 'Why police response was withdrawn (shown to operators)', reason],
        ...retentionFields,
      ],
      buttons: [button(organisation ? 'Save organisation' : 'Add organisation', 'save', 'primary')],
      extra: [
        el('p', { className: 'rule-note', text: OVERRIDE_RULE }),
        el('p', {
          className: 'rule-note',
          text: 'Retention: routine positions older than this are deleted (an alarm keeps its trail); resolved alarms and audit entries are deleted after theirs. Defaults: 90 days, 7 years, 7 years. Only administrators change them.',
        }),
      ],
      async onSubmit(f) {
        status.textContent = '';
        const body = {
          name: name.value.trim(),
          urn: urn.value.trim() === '' ? null : urn.value.trim(),
          policeWithdrawn: withdrawn.checked,
          policeWithdrawnReason: reason.value.trim() === '' ? null : reason.value.trim(),
          ...(administrator && {
            locationRetentionDays: Number(retention.locationRetentionDays.value),
            alarmRetentionDays: Number(retention.alarmRetentionDays.value),
            auditRetentionDays: Number(retention.auditRetentionDays.value),
          }),
        };
        const answer = organisation
          ? await f.send<{ organisation: OrganisationView }>(
              'PATCH',
              `/api/organisations/${organisation.id}`,
              body,
              NAME_ERRORS,
            )
          : await f.send<{ organisation: OrganisationView }>('POST', '/api/organisations', body, NAME_ERRORS);
        if (!answer || !screen) return;
        if (organisation) {
          organisations = organisations.map((o) => (o.id === answer.organisation.id ? answer.organisation : o));
          drawSide(answer.organisation);
          screen.side.querySelector<HTMLElement>('p.action-status')!.textContent = `${answer.organisation.name} saved.`;
          screen.side.querySelector<HTMLElement>('h2')?.focus(); // the panel was redrawn under the focus
        } else {
          name.value = urn.value = reason.value = '';
          withdrawn.checked = false;
          status.textContent = `${answer.organisation.name} added.`;
        }
        await loadList();
      },
    });
    form.element.append(status);
    return form.element;
  }

  function drawSide(organisation?: OrganisationView): void {
    if (!screen) return;
    if (screen.chosen === null) {
      screen.side.replaceChildren(organisationForm(null));
      return;
    }
    const shown = organisation ?? organisations.find((o) => o.id === screen!.chosen);
    if (!shown) {
      screen.side.replaceChildren(
        el(
          'p',
          { className: 'notice' },
          'There is no such organisation. ',
          el('a', { attrs: { href: '#/admin/organisations' }, text: 'All organisations' }),
        ),
      );
      return;
    }
    screen.side.replaceChildren(
      el(
        'section',
        { attrs: { 'aria-labelledby': `organisation-title-${ticket}` } },
        el('h2', { attrs: { id: `organisation-title-${ticket}`, tabindex: -1 }, text: shown.name }),
        organisationForm(shown),
        organisationSettingsPanel(shown.id),
        el('p', null, el('a', { attrs: { href: '#/admin/organisations' }, text: 'Add an organisation instead' })),
      ),
    );
  }

  return {
    show(container, id) {
      const mine = ++ticket;
      const rows = el('tbody');
      const status = el('p', { className: 'muted', attrs: { role: 'status' } });
      const side = el('div', { className: 'admin-side' }, el('p', { className: 'muted', text: 'Loading…' }));
      screen = { ticket: mine, chosen: id, rows, status, side };
      const headingId = `organisations-heading-${mine}`;
      container.append(
        listingScreen({
          title: 'Organisations',
          headingId: headingId,
          tableClass: 'organisations-admin-table',
          above: [el('p', { className: 'rule-note', text: OVERRIDE_RULE }), status],
          headings: ['Organisation', 'Police URN', 'Police response', 'Wearers'],
          rows,
          side,
        }),
      );
      void loadList().then((loaded) => {
        if (screen?.ticket !== mine) return;
        if (loaded) drawSide();
        else side.replaceChildren();
      });
    },
    hide() {
      ticket++;
      screen = null;
      organisations = [];
    },
  };
}
