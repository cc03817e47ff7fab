// Issue 12, item 7: security headers on pages and API; common passwords refused; one account per
// email whatever its case (and accounts that clashed before keep working).
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;

beforeAll(async () => {
  t = await startTestArc({ ARC_MAP_TILES_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' });
});
afterAll(async () => {
  await t?.close();
});

describe('headers', () => {
  it('pages get a policy the console and its map work under, and may not be framed', async () => {
    for (const path of ['/', '/carer.html']) {
      const page = await fetch(t.httpUrl + path);
      expect(page.status).toBe(200);
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/img-src [^;]*https:\/\/\*\.tiles\.example\.org/);
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
  });

  it('API answers are not cached, not sniffed, not framed, errors included', async () => {
    for (const [path, token] of [
      ['/api/alarms', t.adminToken],
      ['/api/alarms', null],
      ['/api/nothing-here', t.adminToken],
    ] as const) {
      const response = await t.api('GET', path, undefined, token);
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });
});

describe('passwords', () => {
  it('a common password is refused, even padded with digits', async () => {
    for (const password of ['qwerty123456', 'Password1234!', 'aaaaaaaaaaaa']) {
      const response = await t.api('POST', '/api/users', {
        email: `p-${Math.random()}@test.arc`,
        name: 'P',
        role: 'operator',
        password,
      });
      expect(response.status, password).toBe(400);
      expect(response.body.error.details[0].field).toBe('password');
    }
    const user = await t.createUser('operator');
    expect((await t.api('PATCH', `/api/users/${user.id}`, { password: 'letmein12345' })).status).toBe(400);
  });
});

describe('emails', () => {
  it('one account per email whatever its case', async () => {
    expect(
      (
        await t.api('POST', '/api/users', {
          email: 'Ann.Smith@test.arc',
          name: 'Ann',
          role: 'operator',
          password: 'ann-smith-long-password',
        })
      ).status,
    ).toBe(201);
    const clash = await t.api('POST', '/api/users', {
      email: 'ann.smith@TEST.arc',
      name: 'Ann 2',
      role: 'carer',
      password: 'another-long-password',
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('ARC_ERR_USER_EXISTS');
    expect((await t.sql`select count(*)::int as n from users where lower(email) = 'ann.smith@test.arc'`)[0].n).toBe(1);
  });

  it('accounts that clashed before the change keep working: the later ones are renamed, and audited', async () => {
    await t.sql`drop index users_email_lower_idx`;
    const [first] =
      await t.sql`insert into users (email, name, role, password_hash, created_at) values ('Bob@test.arc', 'Bob', 'operator', 'x', '2030-01-01') returning id`;
    const [second] =
      await t.sql`insert into users (email, name, role, password_hash, created_at) values ('bob@test.arc', 'Bob 2', 'carer', 'x', '2030-02-01') returning id`;
    const migration = await readFile(new URL('../api/db/migrations/012_email_any_case.sql', import.meta.url), 'utf8');
    await t.sql.unsafe(migration);
    const [kept] = await t.sql`select email from users where id = ${first.id}`;
    const [renamed] = await t.sql`select email from users where id = ${second.id}`;
    expect(kept.email).toBe('Bob@test.arc');
    expect(renamed.email).toBe(`bob+duplicate-${String(second.id).slice(0, 8)}@test.arc`);
    const [entry] =
      await t.sql`select detail from audit_log where action = 'user.email_deduplicated' and target = ${second.id}`;
    expect(entry.detail).toMatchObject({ was: 'bob@test.arc' });
    await expect(
      t.sql`insert into users (email, name, role, password_hash) values ('BOB@test.arc', 'B', 'operator', 'x')`,
    ).rejects.toThrow();
  });
});
