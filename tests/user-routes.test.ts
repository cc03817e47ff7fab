// Accounts through the real ARC: an administrator renames, changes the role of, disables and
// resets the password of an account; the change applies at once (sessions end, live feeds are
// closed, a disabled account cannot log in); nobody locks themself out, the last active
// administrator stays; every change is audited, never with the password.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, connected, disconnection, startTestArc, type TestArc } from './support/test-arc.js';
import { carerSocket } from './support/carer-socket.js';

let t: TestArc;
let adminId: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestArc();
  [{ id: adminId }] = await t.sql`select id from users where email = ${ADMIN.email}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

const patch = (id: string, body: unknown, token: string | null = t.adminToken) =>
  t.api('PATCH', `/api/users/${id}`, body, token);
const stillLoggedIn = async (token: string) => (await t.api('GET', '/api/auth/me', undefined, token)).status === 200;
const audited = async (id: string) =>
  (await t.sql`select actor, detail from audit_log where action = 'user.updated' and target = ${id} order by id`).map(
    (r) => ({ actor: r.actor, detail: r.detail }),
  );

async function openOperatorFeed(token: string) {
  const socket = t.operatorSocket(token);
  await connected(socket as never);
  return socket;
}
async function openCarerFeed(token: string) {
  const socket = carerSocket(t.httpUrl, token);
  sockets.push(socket as never);
  await connected(socket as never);
  return socket;
}

describe('GET /api/users', () => {
  it('says whether each account is disabled', async () => {
    const operator = await t.createUser('operator');
    await t.sql`update users set disabled = true where id = ${operator.id}`;
    const { body } = await t.api('GET', '/api/users');
    expect(body.users.find((u: { id: string }) => u.id === operator.id)).toEqual({
      id: operator.id,
      email: operator.email,
      name: expect.any(String),
      role: 'operator',
      disabled: true,
      organisationId: null,
      servedOrganisationIds: [],
    });
    expect(body.users.find((u: { id: string }) => u.id === adminId)).toMatchObject({
      role: 'administrator',
      disabled: false,
    });
  });
});

describe('PATCH /api/users/:id', () => {
  it('renames an account without ending its sessions, and audits the change', async () => {
    const operator = await t.createUser('operator');
    const renamed = await patch(operator.id, { name: '  Olly Operator  ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({
      user: { id: operator.id, email: operator.email, name: 'Olly Operator', role: 'operator', disabled: false },
    });
    expect(await stillLoggedIn(operator.token)).toBe(true);
    expect(await audited(operator.id)).toEqual([{ actor: ADMIN.email, detail: { name: 'Olly Operator' } }]);
  });

  it('a new role applies at once: the old session ends and the account logs in with the new role', async () => {
    const operator = await t.createUser('operator');
    const feed = await openOperatorFeed(operator.token);
    const closed = disconnection(feed);
    const promoted = await patch(operator.id, { role: 'supervisor' });
    expect(promoted.body.user.role).toBe('supervisor');
    expect(await closed).toBe('io server disconnect');
    expect(await stillLoggedIn(operator.token)).toBe(false);
    const again = await t.login(operator.email, operator.password);
    expect((await t.api('GET', '/api/auth/me', undefined, again)).body.user.role).toBe('supervisor');
    expect(await audited(operator.id)).toEqual([{ actor: ADMIN.email, detail: { role: 'supervisor' } }]);
  });

  it('a disabled account is logged out everywhere, its console closed, and cannot log in until enabled again', async () => {
    const operator = await t.createUser('operator');
    const colleague = await t.createUser('operator');
    const feed = await openOperatorFeed(operator.token);
    const colleaguesFeed = await openOperatorFeed(colleague.token);
    const closed = disconnection(feed);
    const disabled = await patch(operator.id, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.disabled).toBe(true);
    expect(await closed).toBe('io server disconnect');
    expect(await t.sql`select 1 from sessions where user_id = ${operator.id}`).toHaveLength(0);
    expect(await stillLoggedIn(operator.token)).toBe(false);
    // The feed will not take the old session back, and the right password no longer logs in.
    await expect(connected(t.operatorSocket(operator.token) as never)).rejects.toMatchObject({
      code: 'ARC_ERR_AUTH_REQUIRED',
    });
    const refused = await t.api(
      'POST',
      '/api/auth/login',
      { email: operator.email, password: operator.password },
      null,
    );
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('ARC_ERR_AUTH_INVALID');
    // Somebody else's console stays open.
    expect(colleaguesFeed.connected).toBe(true);
    expect(await stillLoggedIn(colleague.token)).toBe(true);

    expect((await patch(operator.id, { disabled: false })).body.user.disabled).toBe(false);
    expect(await stillLoggedIn(await t.login(operator.email, operator.password))).toBe(true);
    expect((await audited(operator.id)).map((a) => a.detail)).toEqual([{ disabled: true }, { disabled: false }]);
  });

  it('a password reset ends every session and closes a carer’s page; the audit says so without the password', async () => {
    const carer = await t.createUser('carer');
    const secondLogin = await t.login(carer.email, carer.password);
    const page = await openCarerFeed(carer.token);
    const closed = disconnection(page as never);
    const newPassword = 'a-brand-new-password-2026';
    const reset = await patch(carer.id, { password: newPassword });
    expect(reset.status).toBe(200);
    expect(JSON.stringify(reset.body)).not.toContain(newPassword);
    expect(await closed).toBe('io server disconnect');
    expect(await stillLoggedIn(carer.token)).toBe(false);
    expect(await stillLoggedIn(secondLogin)).toBe(false);
    expect(
      (await t.api('POST', '/api/auth/login', { email: carer.email, password: carer.password }, null)).status,
    ).toBe(401);
    expect(await stillLoggedIn(await t.login(carer.email, newPassword))).toBe(true);
    const entries = await audited(carer.id);
    expect(entries).toEqual([{ actor: ADMIN.email, detail: { passwordReset: true } }]);
    const everything = await t.sql`select detail::text as text from audit_log`;
    expect(everything.some((r) => r.text.includes(newPassword))).toBe(false);
  });

  it('a carer given another role loses their links, and the audit names the people; disabling keeps them', async () => {
    const carer = await t.createUser('carer');
    const [mum, dad] = [await t.createWearer({ name: 'Mum' }), await t.createWearer({ name: 'Dad' })];
    for (const wearer of [mum, dad])
      expect((await t.api('POST', '/api/carer-links', { carerId: carer.id, wearerId: wearer.id })).status).toBe(201);
    await patch(carer.id, { disabled: true });
    await patch(carer.id, { disabled: false });
    expect(await t.sql`select wearer_id from carer_links where carer_id = ${carer.id}`).toHaveLength(2);
    expect((await patch(carer.id, { role: 'operator' })).status).toBe(200);
    expect(await t.sql`select wearer_id from carer_links where carer_id = ${carer.id}`).toHaveLength(0);
    expect((await audited(carer.id)).at(-1)).toEqual({
      actor: ADMIN.email,
      detail: { role: 'operator', carerLinksRemoved: [mum.id, dad.id].sort() },
    });
    // Made a carer again, they start with nobody.
    await patch(carer.id, { role: 'carer' });
    const again = await t.login(carer.email, carer.password);
    expect((await t.api('GET', '/api/my/wearers', undefined, again)).body.wearers).toEqual([]);
  });

  it('a reset password also clears earlier failed logins', async () => {
    const operator = await t.createUser('operator');
    for (let i = 0; i < 5; i++)
      await t.api('POST', '/api/auth/login', { email: operator.email, password: 'wrong-password!' }, null);
    expect(
      (await t.api('POST', '/api/auth/login', { email: operator.email, password: operator.password }, null)).status,
    ).toBe(429);
    await patch(operator.id, { password: 'reset-by-the-administrator' });
    expect(
      (await t.api('POST', '/api/auth/login', { email: operator.email, password: 'reset-by-the-administrator' }, null))
        .status,
    ).toBe(200);
  });

  it('changing nothing ends nothing and audits nothing', async () => {
    const operator = await t.createUser('operator');
    const [{ name }] = await t.sql`select name from users where id = ${operator.id}`;
    const same = await patch(operator.id, { name, role: 'operator', disabled: false });
    expect(same.status).toBe(200);
    expect(await stillLoggedIn(operator.token)).toBe(true);
    expect(await audited(operator.id)).toEqual([]);
  });

  it('an administrator cannot disable themself or change their own role, but may rename themself', async () => {
    for (const body of [{ disabled: true }, { role: 'supervisor' }]) {
      const refused = await patch(adminId, body);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('ARC_ERR_USER_OWN_ACCOUNT');
      expect(refused.body.error.details).toEqual([{ field: Object.keys(body)[0], message: expect.any(String) }]);
    }
    expect((await patch(adminId, { name: 'The Administrator' })).status).toBe(200);
    expect(await stillLoggedIn(t.adminToken)).toBe(true);
    const [me] = await t.sql`select role, disabled from users where id = ${adminId}`;
    expect(me).toEqual({ role: 'administrator', disabled: false });
  });

  it.each([
    ['a short password', { password: 'short' }, 'password'],
    ['an unknown role', { role: 'god' }, 'role'],
    ['a blank name', { name: '  ' }, 'name'],
    ['disabled as text', { disabled: 'yes' }, 'disabled'],
  ])('refuses %s with a 400 naming the field', async (_name, body, field) => {
    const operator = await t.createUser('operator');
    const response = await patch(operator.id, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ARC_ERR_VALIDATION');
    expect(response.body.error.details).toEqual([expect.objectContaining({ field })]);
    expect(await stillLoggedIn(operator.token)).toBe(true);
  });

  it('404 for an unknown account, 400 for a bad id', async () => {
    const missing = await patch(randomUUID(), { name: 'Nobody' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ARC_ERR_USER_NOT_FOUND');
    expect((await patch('not-a-uuid', { name: 'Nobody' })).status).toBe(400);
  });

  it('only an administrator may change accounts', async () => {
    const operator = await t.createUser('operator');
    for (const role of ['supervisor', 'operator', 'carer'] as const) {
      const someone = await t.createUser(role);
      const refused = await patch(operator.id, { disabled: true }, someone.token);
      expect(refused.status, role).toBe(403);
      expect(refused.body.error.code).toBe('ARC_ERR_FORBIDDEN');
    }
    expect((await patch(operator.id, { disabled: true }, null)).status).toBe(401);
    expect(await stillLoggedIn(operator.token)).toBe(true);
  });

  // Last: it leaves one of the two administrators disabled for a moment.
  it('two administrators disabling each other at once: one wins, the last active administrator stays', async () => {
    const second = await t.createUser('administrator');
    // Hold the administrators' rows so that both requests are past their login check and waiting
    // on the lock together: the moment two changes race for "the last" administrator.
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = t.sql.begin(async (tx) => {
      await tx`select id from users where role = 'administrator' and not disabled order by id for update`;
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const both = Promise.all([
      patch(second.id, { disabled: true }, t.adminToken),
      patch(adminId, { disabled: true }, second.token),
    ]);
    const deadline = Date.now() + 10_000;
    while (
      (
        await t.sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`
      )[0].n < 2
    ) {
      if (Date.now() > deadline) throw new Error('the two requests never waited on the lock');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    release();
    await holding;
    const [first, other] = await both;

    expect([first.status, other.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : other;
    expect(loser.body.error.code).toBe('ARC_ERR_LAST_ADMINISTRATOR');
    expect(loser.body.error.message).toMatch(/is the last active administrator and cannot be disabled/);
    const [{ n }] = await t.sql`select count(*)::int as n from users where role = 'administrator' and not disabled`;
    expect(n).toBe(1);
    // The survivor brings the other one back.
    const survivorToken = first.status === 200 ? t.adminToken : second.token;
    const disabledId = first.status === 200 ? second.id : adminId;
    expect((await patch(disabledId, { disabled: false }, survivorToken)).status).toBe(200);
    if (first.status !== 200) t.adminToken = await t.login(ADMIN.email, ADMIN.password);
  });
});
