// User accounts (administrators only): the list, a form to create one, and the account chosen in
// the address (#/admin/users/<id>) to rename, change role, disable or give a new password. A
// password typed here is sent once and then cleared from the form, whatever the answer. The ARC
// refuses to disable or demote your own account or the last administrator and says why.
import type { UserAccountView } from '../../../api/live/console-contract.js';
import { el } from '../shared/element.js';
import { actionForm, button, input } from '../shared/form.js';
import type { AdminContext, AdminSection } from './admin-section.js';
import './admin-extra.css';
import { isOrganisationManager, listingScreen, loadListing } from './admin-section.js';
import { loadOrganisations } from './organisation-options.js';

/** GET /api/users: an account, and whether it may log in. */
/** As GET /api/users lists it: whose account, and which organisations staff serve ([]: all). */
type UserRow = UserAccountView & { organisationId?: string | null; servedOrganisationIds?: string[] };
const STAFF_ROLES = new Set(['administrator', 'supervisor', 'operator']);

const ROLES = [
  ['administrator', 'Administrator: everything, including accounts and device secrets'],
  ['supervisor', 'Supervisor: alarms, reports, wearers, test mode'],
  ['operator', 'Operator: handles alarms'],
  ['carer', 'Carer: the carer view of their own wearers'],
  ['organisation_manager', "Organisation manager: their own organisation's wearers, devices, carers and reports"],
] as const;
const MIN_PASSWORD = 12;

/** An organisation manager looks after carer accounts only (the ARC refuses the rest). */
function roleSelect(selected: string, carersOnly = false): HTMLSelectElement {
  const select = el('select');
  for (const [value, words] of ROLES)
    if (!carersOnly || value === 'carer') select.append(el('option', { attrs: { value }, text: words }));
  select.value = selected;
  return select;
}

const passwordInput = () => input({ type: 'password', autocomplete: 'new-password', minlength: MIN_PASSWORD });

export function createUsersAdmin(context: AdminContext): AdminSection {
  const carersOnly = isOrganisationManager(context.me);
  let ticket = 0;
  let screen: {
    ticket: number;
    chosen: string | null;
    rows: HTMLTableSectionElement;
    status: HTMLElement;
    side: HTMLElement;
    search: HTMLInputElement;
  } | null = null;
  let users: UserRow[] = [];

  async function loadList(): Promise<boolean> {
    const body = await loadListing<{ users: UserRow[] }>(() => screen, '/api/users', 'The accounts');
    if (!body) return false;
    users = body.users;
    drawRows();
    return true;
  }

  function drawRows(): void {
    if (!screen) return;
    const query = screen.search.value.trim().toLowerCase();
    const shown = users.filter(
      (u) => !query || [u.name, u.email, u.role].some((text) => text.toLowerCase().includes(query)),
    );
    screen.rows.replaceChildren(
      ...shown.map((u) => {
        const chosen = u.id === screen!.chosen;
        return el(
          'tr',
          { className: `${chosen ? 'is-chosen' : ''} ${u.disabled ? 'is-disabled' : ''}`, dataset: { userId: u.id } },
          el(
            'td',
            null,
            el('a', { attrs: { href: `#/admin/users/${u.id}`, 'aria-current': chosen ? 'true' : null }, text: u.name }),
            u.id === context.me.id ? el('span', { className: 'muted', text: ' (you)' }) : null,
          ),
          el('td', { text: u.email }),
          el('td', { text: u.role }),
          el('td', { className: u.disabled ? 'is-off' : '', text: u.disabled ? 'Disabled' : 'Active' }),
        );
      }),
    );
    screen.status.textContent = `${shown.length} of ${users.length} accounts`;
  }

  function createForm(): HTMLElement {
    const email = input({ type: 'email', autocomplete: 'off' });
    const name = input({ autocomplete: 'off' });
    const role = roleSelect(carersOnly ? 'carer' : 'operator', carersOnly);
    const password = passwordInput();
    // Whose account it is (carers and organisation managers); an organisation manager's own is implied.
    const organisation = el(
      'select',
      { attrs: { id: 'new-user-organisation' } },
      el('option', { attrs: { value: '' }, text: 'Default organisation' }),
    );
    if (!carersOnly) {
      void loadOrganisations().then((list) => {
        for (const o of list ?? []) organisation.append(el('option', { attrs: { value: o.id }, text: o.name }));
      });
    }
    const status = el('p', { className: 'action-status', attrs: { role: 'status' } });
    const form = actionForm({
      title: 'Create an account',
      className: 'admin-form',
      fields: [
        ['email', 'Email (they log in with it)', email],
        ['name', 'Name', name],
        ['role', 'Role', role],
        ...(carersOnly
          ? []
          : [
              ['organisationId', 'Organisation (for carers and organisation managers)', organisation] as [
                string,
                string,
                HTMLSelectElement,
              ],
            ]),
        ['password', `Password (at least ${MIN_PASSWORD} characters; give it to them in person)`, password],
      ],
      buttons: [button('Create account', 'create', 'primary')],
      async onSubmit(f) {
        status.textContent = '';
        const ownedByOrganisation = role.value === 'carer' || role.value === 'organisation_manager';
        const body = {
          email: email.value.trim(),
          name: name.value.trim(),
          role: role.value,
          password: password.value,
          ...(ownedByOrganisation && organisation.value && { organisationId: organisation.value }),
        };
        password.value = ''; // sent once, never kept
        const answer = await f.send<{ user: UserRow }>('POST', '/api/users', body, { ARC_ERR_USER_EXISTS: 'email' });
        if (!answer) return;
        email.value = name.value = '';
        role.value = carersOnly ? 'carer' : 'operator';
        status.textContent = `Account for ${answer.user.name} (${answer.user.role}) created.`;
        await loadList();
      },
    });
    form.element.append(status);
    return form.element;
  }

  function editForm(user: UserRow): HTMLElement {
    const me = user.id === context.me.id;
    const name = input({ value: user.name, autocomplete: 'off' });
    const role = roleSelect(user.role, carersOnly);
    const disabled = input({ type: 'checkbox' });
    disabled.checked = user.disabled;
    const password = passwordInput();
    // The organisations a staff account serves: none chosen is every organisation.
    const servesNow = [...(user.servedOrganisationIds ?? [])].sort();
    const serves = el('select', { attrs: { multiple: true, size: 4 } });
    const showServes = !carersOnly && STAFF_ROLES.has(user.role);
    if (showServes) {
      void loadOrganisations().then((list) => {
        for (const o of list ?? [])
          serves.append(
            el('option', { attrs: { value: o.id, selected: servesNow.includes(o.id) ? '' : null }, text: o.name }),
          );
      });
    }
    const status = el('p', { className: 'action-status', attrs: { role: 'status' } });
    const titleId = `user-title-${ticket}`;
    const form = actionForm({
      title: 'Change the account',
      className: 'admin-form',
      fields: [
        ['name', 'Name', name],
        ['role', 'Role', role],
        ['disabled', 'Disabled (cannot log in; their sessions end)', disabled],
        ...(showServes
          ? [
              ['servedOrganisationIds', 'Serves (none chosen: every organisation)', serves] as [
                string,
                string,
                HTMLSelectElement,
              ],
            ]
          : []),
        ['password', `New password (leave empty to keep; at least ${MIN_PASSWORD} characters)`, password],
      ],
      buttons: [button('Save account', 'save', 'primary')],
      extra: me
        ? [
            el('p', {
              className: 'muted',
              text: 'This is your own account: the ARC does not let you disable it or change its role.',
            }),
          ]
        : [],
      async onSubmit(f) {
        status.textContent = '';
        // Only what changed: an unchanged role or state is no demotion to refuse.
        const body: {
          name?: string;
          role?: string;
          disabled?: boolean;
          password?: string;
          servedOrganisationIds?: string[];
        } = {};
        const served = [...serves.selectedOptions].map((o) => o.value).sort();
        if (showServes && served.join() !== servesNow.join()) body.servedOrganisationIds = served;
        if (name.value.trim() !== user.name) body.name = name.value.trim();
        if (role.value !== user.role) body.role = role.value;
        if (disabled.checked !== user.disabled) body.disabled = disabled.checked;
        if (password.value !== '') body.password = password.value;
        password.value = ''; // sent once, never kept
        if (Object.keys(body).length === 0) {
          status.textContent = 'Nothing to change.';
          return;
        }
        // A refusal about your own account or the last administrator names the field (role or disabled).
        const answer = await f.send<{ user: UserRow }>('PATCH', `/api/users/${user.id}`, body);
        if (!answer || !screen) return;
        const saved: UserRow = {
          ...user,
          ...answer.user,
          ...(body.servedOrganisationIds && { servedOrganisationIds: body.servedOrganisationIds }),
        };
        users = users.map((u) => (u.id === saved.id ? saved : u));
        drawSide(saved);
        screen.side.querySelector<HTMLElement>('p.action-status')!.textContent =
          `Saved${body.password ? ', with the new password' : ''}.`;
        screen.side.querySelector<HTMLElement>('h2')?.focus(); // the panel was redrawn under the focus
        await loadList();
      },
    });
    form.element.append(status);
    return el(
      'section',
      { attrs: { 'aria-labelledby': titleId } },
      el('h2', { attrs: { id: titleId, tabindex: -1 }, text: user.name }),
      el('p', { className: 'muted', text: `${user.email} · ${user.role} · ${user.disabled ? 'disabled' : 'active'}` }),
      form.element,
      // Subject access for the person behind the account (docs/reference/data-protection.md).
      el(
        'p',
        null,
        el('a', {
          className: 'button-link',
          attrs: { href: `/api/users/${encodeURIComponent(user.id)}/export`, download: '' },
          text: 'Download all data held on this account (JSON)',
        }),
        ' ',
        el('span', { className: 'muted', text: 'Recorded in the audit log.' }),
      ),
      el('p', null, el('a', { attrs: { href: '#/admin/users' }, text: 'Create an account instead' })),
    );
  }

  function drawSide(user?: UserRow): void {
    if (!screen) return;
    if (screen.chosen === null) {
      screen.side.replaceChildren(createForm());
      return;
    }
    const shown = user ?? users.find((u) => u.id === screen!.chosen);
    screen.side.replaceChildren(
      shown
        ? editForm(shown)
        : el(
            'p',
            { className: 'notice' },
            'There is no such account. ',
            el('a', { attrs: { href: '#/admin/users' }, text: 'All accounts' }),
          ),
    );
  }

  return {
    show(container, id) {
      const mine = ++ticket;
      const rows = el('tbody');
      const status = el('p', { className: 'muted', attrs: { role: 'status' } });
      const search = el('input', {
        attrs: { id: `user-search-${mine}`, type: 'search', autocomplete: 'off', placeholder: 'Name, email or role' },
      });
      const side = el('div', { className: 'admin-side' }, el('p', { className: 'muted', text: 'Loading…' }));
      screen = { ticket: mine, chosen: id, rows, status, side, search };
      search.addEventListener('input', () => drawRows());
      const headingId = `users-heading-${mine}`;
      container.append(
        listingScreen({
          title: 'User accounts',
          headingId: headingId,
          tableClass: 'users-admin-table',
          above: [
            el(
              'div',
              { className: 'field inline' },
              el('label', { attrs: { for: search.id }, text: 'Search accounts' }),
              search,
              status,
            ),
          ],
          headings: ['Name', 'Email', 'Role', 'State'],
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
      // Nothing typed (a password least of all) outlives the screen.
      screen?.side.replaceChildren();
      screen = null;
      users = [];
    },
  };
}
