// Administration: wearers (details, police URN, contacts, response plan, zones, carers),
// devices (provision, test mode, secrets), organisations (with their own settings), monthly
// reports per organisation, user accounts and (administrators) the audit log. Reached at
// #/admin/<section>[/<id>] by supervisors and administrators; what each may change is decided
// by the ARC, the screens only leave out what a role can never do.
import { byId, el } from '../shared/element.js';
import './admin.css';
import { isAdministrator, isOrganisationManager, type AdminContext, type AdminSection } from './admin-section.js';
import { createAuditAdmin } from './audit-admin.js';
import { createDevicesAdmin } from './devices-admin.js';
import { createOrganisationsAdmin } from './organisations-admin.js';
import { createReportsAdmin } from './reports-admin.js';
import { createUsersAdmin } from './users-admin.js';
import { createWearersAdmin } from './wearers-admin.js';

type SectionName = 'wearers' | 'devices' | 'organisations' | 'reports' | 'users' | 'audit';

const TITLES: Record<SectionName, string> = {
  wearers: 'Wearers',
  devices: 'Devices',
  organisations: 'Organisations',
  reports: 'Reports',
  users: 'Users',
  audit: 'Audit log',
};

export interface AdminView {
  /** Shows a section from the address parts after #/admin/. */
  show(section: string | undefined, id: string | undefined): void;
  hide(): void;
}

export function createAdminView(context: AdminContext): AdminView {
  const nav = byId('admin-nav');
  const body = byId('admin-body');
  // An organisation manager sees their own organisation's wearers, devices, reports, carer accounts and audit.
  const names: SectionName[] = isAdministrator(context.me)
    ? ['wearers', 'devices', 'organisations', 'reports', 'users', 'audit']
    : isOrganisationManager(context.me)
      ? ['wearers', 'devices', 'reports', 'users', 'audit']
      : ['wearers', 'devices', 'organisations', 'reports'];
  const sections = new Map<SectionName, AdminSection>();
  let current: { name: SectionName; id: string | null } | null = null;

  nav.replaceChildren(
    ...names.map((name) =>
      el('a', { attrs: { href: `#/admin/${name}` }, dataset: { section: name }, text: TITLES[name] }),
    ),
  );

  function sectionOf(name: SectionName): AdminSection {
    let section = sections.get(name);
    if (!section) {
      const create: (context: AdminContext) => AdminSection = {
        wearers: createWearersAdmin,
        devices: createDevicesAdmin,
        organisations: createOrganisationsAdmin,
        reports: createReportsAdmin,
        users: createUsersAdmin,
        audit: createAuditAdmin,
      }[name];
      section = create(context);
      sections.set(name, section);
    }
    return section;
  }

  return {
    show(sectionName, id) {
      const name = names.includes(sectionName as SectionName) ? (sectionName as SectionName) : 'wearers';
      const chosen = id && id.length > 0 ? decodeURIComponent(id) : null;
      if (current?.name === name && current.id === chosen) return;
      if (current) sectionOf(current.name).hide();
      current = { name, id: chosen };
      for (const link of nav.querySelectorAll<HTMLAnchorElement>('a')) {
        if (link.dataset.section === name) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      document.title = `${TITLES[name]} — administration — ArcAngel ARC console`;
      body.replaceChildren();
      sectionOf(name).show(body, chosen);
    },
    hide() {
      if (current) sectionOf(current.name).hide();
      current = null;
      body.replaceChildren();
    },
  };
}
