import { describe, expect, it } from 'vitest';
import { decideAccountChange, type AccountEdit, type AccountNow } from './account-change.js';

const ADA: AccountNow = { id: 'u-ada', name: 'Ada Admin', role: 'administrator', disabled: false };
const ALAN: AccountNow = { id: 'u-alan', name: 'Alan Admin', role: 'administrator', disabled: false };
const OLLY: AccountNow = { id: 'u-olly', name: 'Olly Operator', role: 'operator', disabled: false };
const GONE: AccountNow = { id: 'u-gone', name: 'Gone Admin', role: 'administrator', disabled: true };

const decide = (account: AccountNow, edit: AccountEdit, activeAdministrators = 2, actorId = ADA.id) =>
  decideAccountChange({ actorId, account, edit, activeAdministrators });

describe('decideAccountChange: refusals', () => {
  it.each<[string, AccountNow, AccountEdit, number, string, string]>([
    ['an administrator disables themself', ADA, { disabled: true }, 2, 'ARC_ERR_USER_OWN_ACCOUNT', 'disabled'],
    ['an administrator changes their own role', ADA, { role: 'supervisor' }, 2, 'ARC_ERR_USER_OWN_ACCOUNT', 'role'],
    ['…even as the last one', ADA, { role: 'operator' }, 1, 'ARC_ERR_USER_OWN_ACCOUNT', 'role'],
    ['the last active administrator disabled', ALAN, { disabled: true }, 1, 'ARC_ERR_LAST_ADMINISTRATOR', 'disabled'],
    ['the last active administrator demoted', ALAN, { role: 'supervisor' }, 1, 'ARC_ERR_LAST_ADMINISTRATOR', 'role'],
    [
      'the last active administrator demoted to carer and disabled',
      ALAN,
      { role: 'carer', disabled: true },
      1,
      'ARC_ERR_LAST_ADMINISTRATOR',
      'disabled',
    ],
  ])('%s', (_name, account, edit, admins, code, field) => {
    expect(decide(account, edit, admins)).toMatchObject({ ok: false, code, field });
  });

  it('says who and what in the message', () => {
    const refused = decide(ALAN, { disabled: true }, 1);
    expect(refused.ok || refused.message).toBe(
      'Alan Admin is the last active administrator and cannot be disabled: make another administrator first',
    );
  });
});

describe('decideAccountChange: what changes and whether sessions end', () => {
  it.each<[string, AccountNow, AccountEdit, number, object, boolean, boolean]>([
    ['an administrator renames themself', ADA, { name: 'Ada L.' }, 1, { name: 'Ada L.' }, false, false],
    ['an administrator resets their own password', ADA, { passwordReset: true }, 1, {}, true, true],
    ['their own role, unchanged, is no change', ADA, { role: 'administrator', disabled: false }, 1, {}, false, false],
    [
      'another administrator disabled while two are active',
      ALAN,
      { disabled: true },
      2,
      { disabled: true },
      false,
      true,
    ],
    [
      'another administrator demoted while two are active',
      ALAN,
      { role: 'operator' },
      2,
      { role: 'operator' },
      false,
      true,
    ],
    ['an operator disabled', OLLY, { disabled: true }, 1, { disabled: true }, false, true],
    ['an operator promoted', OLLY, { role: 'supervisor' }, 1, { role: 'supervisor' }, false, true],
    ['an operator renamed', OLLY, { name: 'Oliver' }, 1, { name: 'Oliver' }, false, false],
    ['an operator re-enabled', { ...OLLY, disabled: true }, { disabled: false }, 1, { disabled: false }, false, false],
    ['an operator given a new password', OLLY, { passwordReset: true, name: 'Olly Operator' }, 1, {}, true, true],
    [
      'a disabled administrator demoted: not the last active one',
      GONE,
      { role: 'operator' },
      1,
      { role: 'operator' },
      false,
      true,
    ],
    ['nothing asked', OLLY, {}, 1, {}, false, false],
  ])('%s', (_name, account, edit, admins, changes, passwordReset, endSessions) => {
    expect(decide(account, edit, admins)).toEqual({
      ok: true,
      changes,
      passwordReset,
      endSessions,
      dropCarerLinks: false,
    });
  });
});

describe("decideAccountChange: a carer's links belong to the carer role", () => {
  const CARA: AccountNow = { id: 'u-cara', name: 'Cara Carer', role: 'carer', disabled: false };
  it.each<[string, AccountNow, AccountEdit, boolean]>([
    ['a carer made an operator loses their links', CARA, { role: 'operator' }, true],
    ['a carer made an administrator loses their links', CARA, { role: 'administrator' }, true],
    ['a disabled carer given another role too', { ...CARA, disabled: true }, { role: 'supervisor' }, true],
    ['a carer disabled keeps them (re-enabling brings the same care back)', CARA, { disabled: true }, false],
    ['a carer with a new password keeps them', CARA, { passwordReset: true }, false],
    ['a carer "made" a carer keeps them', CARA, { role: 'carer' }, false],
    ['an operator made a carer has none to lose', OLLY, { role: 'carer' }, false],
  ])('%s', (_name, account, edit, dropCarerLinks) => {
    expect(decide(account, edit)).toMatchObject({ ok: true, dropCarerLinks });
  });
});
