// An administrator changes an account (name, role, disabled, password, organisation, served set): the rule
// (api/rules/account-change.ts) decides against the account as locked, and the change, its
// consequences (sessions ended, carer links dropped, failed logins forgotten) and its audit entry
// commit together. The caller disconnects the account's live feeds after commit.
import type { Sql } from 'postgres';
import { ArcError } from '../errors.js';
import { decideAccountChange, type AccountEdit } from '../rules/account-change.js';
import { audit, type Actor } from '../store/audit-log.js';
import { removeCarerLinksOf } from '../store/carer-view-store.js';
import { clearAccountAttempts } from '../store/login-throttle-store.js';
import { deleteSessionsOf, lockAccount, updateAccount, type AccountChanges } from '../store/user-store.js';
import { setServedOrganisations } from '../store/tenancy-store.js';
import { isStaffRole } from '../domain/role.js';

export interface AccountUpdated {
  user: Awaited<ReturnType<typeof updateAccount>>;
  /** The account's sessions were ended: its live connections must go too. */
  endSessions: boolean;
}

/** Whose account it is and which organisations a staff account serves ([] for all): docs organisations. */
export interface AccountTenancy {
  organisationId?: string;
  servedOrganisationIds?: string[];
}

export const organisationRequired = () =>
  new ArcError('ARC_ERR_VALIDATION', 'An organisation manager needs an organisation (organisationId)', [
    { field: 'organisationId', message: 'required for an organisation manager' },
  ]);
export const servedByStaffOnly = () =>
  new ArcError('ARC_ERR_VALIDATION', 'Only staff serve organisations', [
    { field: 'servedOrganisationIds', message: 'only for administrators, supervisors and operators' },
  ]);

/** `passwordHash`: a new password, hashed before the account is locked (scrypt is slow on purpose). */
export async function changeAccount(
  sql: Sql,
  actor: Actor,
  id: string,
  edit: Omit<AccountEdit, 'passwordReset'>,
  passwordHash: string | null,
  { organisationId, servedOrganisationIds }: AccountTenancy = {},
): Promise<AccountUpdated> {
  return sql.begin(async (tx) => {
    const locked = await lockAccount(tx, id);
    if (!locked) throw new ArcError('ARC_ERR_USER_NOT_FOUND');
    const decision = decideAccountChange({
      actorId: actor.id!,
      ...locked,
      edit: { ...edit, passwordReset: passwordHash !== null },
    });
    if (!decision.ok)
      throw new ArcError(decision.code, decision.message, [{ field: decision.field, message: decision.message }]);
    const changes: AccountChanges = { ...decision.changes, ...(organisationId !== undefined && { organisationId }) };
    const role = changes.role ?? locked.account.role;
    if (role === 'organisation_manager' && locked.account.role !== 'organisation_manager' && !organisationId)
      throw organisationRequired();
    if (servedOrganisationIds?.length && !isStaffRole(role)) throw servedByStaffOnly();
    // A new password is a fresh start: earlier failed logins no longer slow the account down.
    if (passwordHash !== null) {
      Object.assign(changes, { passwordHash });
      await clearAccountAttempts(tx, locked.account.email);
    }
    const user = await updateAccount(tx, id, changes);
    if (decision.endSessions) await deleteSessionsOf(tx, id);
    const unlinked = decision.dropCarerLinks ? await removeCarerLinksOf(tx, id) : [];
    if (servedOrganisationIds !== undefined) await setServedOrganisations(tx, id, servedOrganisationIds);
    const changed = {
      ...decision.changes,
      ...(organisationId !== undefined && { organisationId }),
      ...(servedOrganisationIds !== undefined && { servedOrganisationIds }),
      ...(decision.passwordReset && { passwordReset: true }),
      ...(unlinked.length && { carerLinksRemoved: unlinked }),
    };
    if (Object.keys(changed).length) await audit(tx, actor, 'user.updated', id, changed);
    return { user, endSessions: decision.endSessions };
  });
}
