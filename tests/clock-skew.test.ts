// Issue 10, "one clock": everything the ARC decides with time uses its injected clock, and SQL
// compares with a parameter, never PostgreSQL's now(). Proved by running the ARC with its clock
// years ahead of and behind the database's: logging in, the live feed, raising an alarm and
// escalating it must all work exactly as they do when the two agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

const YEAR_MS = 365.25 * 24 * 3600_000;

describe.each([
  ['ten years ahead of', 10],
  ['seven years behind', -7],
])("an ARC whose clock is %s the database's", (_what, years) => {
  let t: TestArc;
  let device: SimulatedDevice;
  // Starts from the real time moved by the skew, and moves on only when the test says so.
  let clock = Date.now() + years * YEAR_MS;
  const advance = (seconds: number) => (clock += seconds * 1000);

  beforeAll(async () => {
    t = await startTestArc({}, { now: () => new Date(clock) });
  });
  afterAll(async () => {
    await device?.close({ force: true });
    await t?.close();
  });

  it('the database really has another time', async () => {
    const [{ dbNow }] = await t.sql`select now() as db_now`;
    expect(Math.abs(dbNow.getTime() - clock)).toBeGreaterThan(6 * YEAR_MS);
  });

  it('answers with its own clock in the Date header, which the pages count ages from', async () => {
    const answer = await fetch(`${t.httpUrl}/api/auth/me`);
    expect(Math.abs(Date.parse(answer.headers.get('date')!) - clock)).toBeLessThan(1000);
  });

  it('logs in, keeps the session, and lets the console connect and stay connected', async () => {
    const operator = await t.createUser('operator');
    expect((await t.api('GET', '/api/auth/me', undefined, operator.token)).status).toBe(200);
    const socket = t.operatorSocket(operator.token);
    await connected(socket);
    expect(await t.arc.closeEndedSessions()).toBe(0);
    expect(socket.connected).toBe(true);
    // Eleven hours on, still logged in; thirteen, not (ARC_SESSION_HOURS is 12 by default).
    advance(11 * 3600);
    expect((await t.api('GET', '/api/auth/me', undefined, operator.token)).status).toBe(200);
    advance(2 * 3600);
    expect((await t.api('GET', '/api/auth/me', undefined, operator.token)).status).toBe(401);
    expect(await t.arc.closeEndedSessions()).toBeGreaterThanOrEqual(1);
    t.adminToken = await t.login('admin@test.arc', 'admin-password-for-tests');
  });

  it('slows repeated failed logins by its own clock', async () => {
    const user = await t.createUser('supervisor');
    for (let i = 0; i < 5; i++)
      expect(
        (await t.api('POST', '/api/auth/login', { email: user.email, password: 'wrong password!' }, null)).status,
      ).toBe(401);
    expect((await t.api('POST', '/api/auth/login', { email: user.email, password: user.password }, null)).status).toBe(
      429,
    );
    advance(2);
    expect((await t.api('POST', '/api/auth/login', { email: user.email, password: user.password }, null)).status).toBe(
      200,
    );
  });

  it('raises an alarm from an SOS and escalates it at its accept deadline', async () => {
    const credentials = await t.provisionDevice();
    device = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, now: () => clock });
    await device.connect();
    const socket = t.operatorSocket(t.adminToken);
    await connected(socket);
    const raised = new Promise<any>((resolve) =>
      socket.on('alarm:raised', (a: any) => a.deviceId === device.deviceId && resolve(a)),
    );
    const escalated = new Promise<any>((resolve) =>
      socket.on('alarm:escalated', (a: any) => a.deviceId === device.deviceId && resolve(a)),
    );

    const sos = await device.sendEvent('sos');
    expect((await device.waitForCommand({ eventId: sos.id })).type).toBe('alarm.received');
    const alarm = await raised;
    expect(Date.parse(alarm.receivedAt)).toBe(clock);

    advance(9);
    await t.arc.clock.tick();
    expect((await t.sql`select escalation_level from alarms where id = ${alarm.id}`)[0].escalationLevel).toBe(0);
    advance(2);
    await t.arc.clock.tick();
    expect((await escalated).id).toBe(alarm.id);
    expect((await t.sql`select escalation_level from alarms where id = ${alarm.id}`)[0].escalationLevel).toBe(1);
  });
});
