// An administrator changes an account (name, role, disabled, password): the rule
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

export interface AccountUpdated {
  user: Awaited<ReturnType<typeof updateAccount>>;
  /** The account's sessions were ended: its live connections must go too. */
  endSessions: boolean;
}

/** `passwordHash`: a new password, hashed before the account is locked (scrypt is slow on purpose). */
export async function changeAccount(
  sql: Sql,
  actor: Actor,
  id: string,
  edit: Omit<AccountEdit, 'passwordReset'>,
  passwordHash: string | null,
): Promise<AccountUpdated> {
  return sql.begin(async (tx) => {
    const locked = await lockAccount(tx, id);
    if (!locked) throw new ArcError('ARC_ERR_USER_NOT_FOUND');
    const decision = decideAccountChange({ actorId: actor.id!, ...locked, edit: { ...edit, passwordReset: passwordHash !== null } });
    if (!decision.ok) throw new ArcError(decision.code, decision.message, [{ field: decision.field, message: decision.message }]);
    const changes: AccountChanges = { ...decision.changes };
    // A new password is a fresh start: earlier failed logins no longer slow the account down.
    if (passwordHash !== null) {
      Object.assign(changes, { passwordHash });
      await clearAccountAttempts(tx, locked.account.email);
    }
    const user = await updateAccount(tx, id, changes);
    if (decision.endSessions) await deleteSessionsOf(tx, id);
    const unlinked = decision.dropCarerLinks ? await removeCarerLinksOf(tx, id) : [];
    const changed = {
      ...decision.changes,
      ...(decision.passwordReset && { passwordReset: true }),
      ...(unlinked.length && { carerLinksRemoved: unlinked }),
    };
    if (Object.keys(changed).length) await audit(tx, actor, 'user.updated', id, changed);
    return { user, endSessions: decision.endSessions };
  });
}
