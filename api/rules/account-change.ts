// What an administrator may change on an account, and what the change sets off. Pure (STYLE
// habit 3): the account, who asks and how many active administrators there are come in as values.
// - Nobody locks themself out: an administrator cannot disable their own account or change
//   their own role (another administrator must).
// - The ARC always keeps an active administrator: the last one cannot be disabled or demoted.
// - A disabled account, a new role or a new password applies at once: every session of the
//   account ends, so no page or feed keeps the old rights until its session runs out.
// - A carer's links to the people they look after belong to the carer role: a carer given
//   another role loses them (a link left behind would come back to life if the account were
//   made a carer again, for people it may no longer be right to show).
import type { Role } from '../domain/role.js';

export interface AccountNow {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
}

export interface AccountEdit {
  name?: string;
  role?: Role;
  disabled?: boolean;
  /** A new password was given (its value never reaches the rules). */
  passwordReset?: boolean;
}

export type AccountDecision =
  | {
      ok: true;
      /** Only what differs from the account now. */
      changes: { name?: string; role?: Role; disabled?: boolean };
      passwordReset: boolean;
      endSessions: boolean;
      /** Remove every link of this carer to the people they looked after. */
      dropCarerLinks: boolean;
    }
  | {
      ok: false;
      code: 'ARC_ERR_USER_OWN_ACCOUNT' | 'ARC_ERR_LAST_ADMINISTRATOR';
      field: 'role' | 'disabled';
      message: string;
    };

export function decideAccountChange(input: {
  actorId: string;
  account: AccountNow;
  edit: AccountEdit;
  /** Administrators not disabled, the account itself included if it is one. */
  activeAdministrators: number;
}): AccountDecision {
  const { actorId, account, edit, activeAdministrators } = input;
  const changes: { name?: string; role?: Role; disabled?: boolean } = {};
  if (edit.name !== undefined && edit.name !== account.name) changes.name = edit.name;
  if (edit.role !== undefined && edit.role !== account.role) changes.role = edit.role;
  if (edit.disabled !== undefined && edit.disabled !== account.disabled) changes.disabled = edit.disabled;
  const field = changes.disabled === true ? 'disabled' : 'role';

  if (account.id === actorId && (changes.disabled === true || changes.role !== undefined)) {
    return {
      ok: false,
      code: 'ARC_ERR_USER_OWN_ACCOUNT',
      field,
      message:
        changes.disabled === true
          ? 'You cannot disable your own account; another administrator can'
          : 'You cannot change your own role; another administrator can',
    };
  }
  const activeAdministrator = account.role === 'administrator' && !account.disabled;
  if (activeAdministrator && (changes.disabled === true || changes.role !== undefined) && activeAdministrators <= 1) {
    return {
      ok: false,
      code: 'ARC_ERR_LAST_ADMINISTRATOR',
      field,
      message: `${account.name} is the last active administrator and cannot be ${changes.disabled === true ? 'disabled' : 'given another role'}: make another administrator first`,
    };
  }
  const passwordReset = edit.passwordReset === true;
  return {
    ok: true,
    changes,
    passwordReset,
    endSessions: changes.disabled === true || changes.role !== undefined || passwordReset,
    dropCarerLinks: account.role === 'carer' && changes.role !== undefined,
  };
}
