// 023_tenancy.sql on a database holding the schema and data of before (issue 16, "Done when"):
// migrated up to 018, filled as a running ARC would have left it, then migrated on. Today's data
// lands in the default organisation, a wearer's organisation is kept, devices and alarms follow
// their wearer, carers get their people's organisation, the audit entries name theirs.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import postgres from 'postgres';
import { connectDatabase, type Sql } from '../api/db/connect.js';
import { migrate } from '../api/db/migrate.js';

let admin: postgres.Sql;
let sql: Sql;
const name = `arc_migration_${randomBytes(6).toString('hex')}`;

beforeAll(async () => {
  const serverUrl = inject('postgresUrl');
  admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  sql = connectDatabase(serverUrl.replace(/\/arc$/, `/${name}`), 2);
});
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await admin?.unsafe(`drop database if exists ${name} with (force)`);
  await admin?.end();
});

describe('023_tenancy on the data of 018', () => {
  it("puts today's data in the default organisation and keeps the organisations wearers had", async () => {
    const applied = await migrate(sql, { through: '018_data_protection.sql' });
    expect(applied.at(-1)).toBe('018_data_protection.sql');

    // Data as the ARC before tenancy wrote it.
    const [council] = await sql<
      { id: string }[]
    >`insert into organisations (name, urn) values ('Northshire Council', 'URN-1') returning id`;
    const [homeless] = await sql<{ id: string }[]>`insert into wearers (name) values ('No Organisation') returning id`;
    const [housed] = await sql<
      { id: string }[]
    >`insert into wearers (name, organisation_id) values ('Council Tenant', ${council.id}) returning id`;
    await sql`insert into devices (id, wearer_id, secret_hash) values ('dev-homeless', ${homeless.id}, 'x'), ('dev-housed', ${housed.id}, 'x'), ('dev-spare', null, 'x')`;
    const [a1] = await sql<{ id: string }[]>`
      insert into alarms (device_id, wearer_id, type, priority, received_at) values ('dev-housed', ${housed.id}, 'sos', 1, '2026-01-01T00:00:00Z') returning id`;
    const [a2] = await sql<{ id: string }[]>`
      insert into alarms (device_id, wearer_id, type, priority, received_at) values ('dev-spare', null, 'comm_failure', 3, '2026-01-01T00:00:00Z') returning id`;
    const [staff] = await sql<
      { id: string }[]
    >`insert into users (email, name, role, password_hash) values ('op@x', 'Op', 'operator', 'h') returning id`;
    const [carer] = await sql<
      { id: string }[]
    >`insert into users (email, name, role, password_hash) values ('carer@x', 'Carer', 'carer', 'h') returning id`;
    const [lonely] = await sql<
      { id: string }[]
    >`insert into users (email, name, role, password_hash) values ('lonely@x', 'Lonely', 'carer', 'h') returning id`;
    await sql`insert into carer_links (carer_id, wearer_id) values (${carer.id}, ${housed.id})`;
    await sql`insert into contacts (wearer_id, position, name, phone) values (${housed.id}, 1, 'Son', '07700900000')`;
    await sql`insert into audit_log (actor_id, actor, action, target) values (${staff.id}, 'op@x', 'wearer.viewed', ${housed.id}),
                                                                         (${staff.id}, 'op@x', 'device.followed', 'dev-homeless'),
                                                                         (null, 'system', 'retention.purged', null)`;

    expect(await migrate(sql)).toContain('023_tenancy.sql');

    const [defaultOrg] = await sql<{ id: string }[]>`select id from organisations where is_default`;
    expect(defaultOrg.id).not.toBe(council.id);
    const wearers = Object.fromEntries(
      (await sql<{ id: string; organisationId: string }[]>`select id, organisation_id from wearers`).map((r) => [
        r.id,
        r.organisationId,
      ]),
    );
    expect(wearers).toEqual({ [homeless.id]: defaultOrg.id, [housed.id]: council.id });
    const devices = Object.fromEntries(
      (await sql<{ id: string; organisationId: string }[]>`select id, organisation_id from devices`).map((r) => [
        r.id,
        r.organisationId,
      ]),
    );
    expect(devices).toEqual({ 'dev-homeless': defaultOrg.id, 'dev-housed': council.id, 'dev-spare': defaultOrg.id });
    const alarms = Object.fromEntries(
      (await sql<{ id: string; organisationId: string }[]>`select id, organisation_id from alarms`).map((r) => [
        r.id,
        r.organisationId,
      ]),
    );
    expect(alarms).toEqual({ [a1.id]: council.id, [a2.id]: defaultOrg.id });
    const users = Object.fromEntries(
      (await sql<{ id: string; organisationId: string | null }[]>`select id, organisation_id from users`).map((r) => [
        r.id,
        r.organisationId,
      ]),
    );
    expect(users).toEqual({ [staff.id]: null, [carer.id]: council.id, [lonely.id]: defaultOrg.id });
    const audit = (
      await sql<
        { action: string; organisationId: string | null }[]
      >`select action, organisation_id from audit_log order by id`
    ).map((r) => [r.action, r.organisationId]);
    expect(audit).toEqual([
      ['wearer.viewed', council.id],
      ['device.followed', defaultOrg.id],
      ['retention.purged', null],
    ]);
  });

  it('keeps the rules for what is written after it', async () => {
    const [council] = await sql<{ id: string }[]>`select id from organisations where name = 'Northshire Council'`;
    const [defaultOrg] = await sql<{ id: string }[]>`select id from organisations where is_default`;
    // Written without an organisation, as the code before tenancy (and bulk provisioning) does.
    const [wearer] = await sql<
      { id: string; organisationId: string }[]
    >`insert into wearers (name) values ('New') returning id, organisation_id`;
    expect(wearer.organisationId).toBe(defaultOrg.id);
    const [device] = await sql<{ organisationId: string }[]>`
      insert into devices (id, wearer_id, secret_hash) values ('dev-new', ${wearer.id}, 'x') returning organisation_id`;
    expect(device.organisationId).toBe(defaultOrg.id);
    // The wearer moves: their device goes along; an alarm raised after is the new organisation's.
    await sql`update wearers set organisation_id = ${council.id} where id = ${wearer.id}`;
    const [moved] = await sql<{ organisationId: string }[]>`select organisation_id from devices where id = 'dev-new'`;
    expect(moved.organisationId).toBe(council.id);
    const [alarm] = await sql<{ organisationId: string }[]>`
      insert into alarms (device_id, wearer_id, type, priority, received_at) values ('dev-new', ${wearer.id}, 'sos', 1, '2026-02-01T00:00:00Z') returning organisation_id`;
    expect(alarm.organisationId).toBe(council.id);
    // A device cannot be in another organisation than its wearer's.
    await expect(
      sql`update devices set organisation_id = ${defaultOrg.id}, wearer_id = null where id = 'dev-new'`,
    ).resolves.toBeDefined();
    await sql`update devices set wearer_id = ${wearer.id} where id = 'dev-new'`;
    const [back] = await sql<{ organisationId: string }[]>`select organisation_id from devices where id = 'dev-new'`;
    expect(back.organisationId).toBe(council.id);
    // Staff belong to no organisation, whatever is written: the check holds through role changes.
    const [om] = await sql<{ id: string; organisationId: string }[]>`
      insert into users (email, name, role, password_hash, organisation_id) values ('om@x', 'OM', 'organisation_manager', 'h', ${council.id}) returning id, organisation_id`;
    expect(om.organisationId).toBe(council.id);
    const [demoted] = await sql<
      { organisationId: string | null }[]
    >`update users set role = 'operator' where id = ${om.id} returning organisation_id`;
    expect(demoted.organisationId).toBeNull();
    await expect(sql`update users set organisation_id = ${council.id} where id = ${om.id}`).resolves.toBeDefined();
    const [still] = await sql<
      { organisationId: string | null }[]
    >`select organisation_id from users where id = ${om.id}`;
    expect(still.organisationId).toBeNull();
  });
});
