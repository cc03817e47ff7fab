// Every deadline lives in PostgreSQL and the clock fires each once, with time injected: accept
// escalation (BS 8484 10 s / 40 s), amber sessions, missed check-ins, device silence, and a
// deadline that falls due while the ARC is down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let clock = Date.parse('2026-11-23T14:00:00Z');
const now = () => new Date(clock);
const advance = (seconds: number) => (clock += seconds * 1000);
const devices: SimulatedDevice[] = [];
let supervisor: Awaited<ReturnType<TestArc['createUser']>>;

beforeAll(async () => {
  // Sessions expire on the ARC's clock, and these tests move it on by days.
  t = await startTestArc({ ARC_NO_COMM_GRACE_S: '120', ARC_CHECKIN_GRACE_S: '30', ARC_SESSION_HOURS: '720' }, { now });
  supervisor = await t.createUser('supervisor');
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

async function device(wearerFields: Record<string, unknown> = {}, heartbeatS?: number) {
  const wearer = await t.createWearer(wearerFields);
  const credentials = await t.provisionDevice({ wearerId: wearer.id });
  if (heartbeatS) await t.api('PATCH', `/api/devices/${credentials.deviceId}`, { heartbeatS });
  const d = new SimulatedDevice({ ...credentials, url: t.mqttUrl, reconnect: false, now: () => clock });
  devices.push(d);
  await d.connect();
  return { device: d, wearer };
}

const alarmsOf = (deviceId: string) =>
  t.sql<
    {
      id: string;
      type: string;
      priority: number;
      escalationLevel: number;
      sessionNote: string | null;
      flags: any;
      condition: string;
      lateFired: boolean;
    }[]
  >`
    select id, type, priority, escalation_level, session_note, flags, condition, late_fired from alarms where device_id = ${deviceId} order by received_at`;
const actionsOf = async (alarmId: string) =>
  (await t.sql`select kind, detail from alarm_actions where alarm_id = ${alarmId} order by id`).map((r) => r.kind);
const tick = async () => {
  const effects = await t.arc.clock.tick();
  await t.arc.idle();
  return effects;
};

describe('accept deadlines (BS 8484)', () => {
  it('overdue at 10 s, re-announced to every console; supervisors notified at 40 s; each once', async () => {
    const { device: d } = await device({ name: 'Olive Overdue' });
    await d.sendEvent('sos');
    await t.arc.idle();
    const [alarm] = await alarmsOf(d.deviceId);
    const socket = t.operatorSocket(t.adminToken);
    await connected(socket);
    const escalated: any[] = [];
    socket.on('alarm:escalated', (a) => a.id === alarm.id && escalated.push(a));

    advance(9);
    await tick();
    expect((await alarmsOf(d.deviceId))[0].escalationLevel).toBe(0);
    advance(2);
    await tick();
    expect((await alarmsOf(d.deviceId))[0].escalationLevel).toBe(1);
    await expect.poll(() => escalated.length).toBe(1);
    expect(escalated[0]).toMatchObject({ escalationLevel: 1, status: 'raised' });
    advance(5);
    await tick();
    expect((await alarmsOf(d.deviceId))[0].escalationLevel).toBe(1);

    advance(25); // 41 s
    await tick();
    await tick();
    expect((await alarmsOf(d.deviceId))[0].escalationLevel).toBe(2);
    expect(await actionsOf(alarm.id)).toEqual(['escalated.overdue', 'escalated.supervisors']);
    const told =
      await t.sql`select channel, recipient, audience, subject from notifications where alarm_id = ${alarm.id} and audience = 'supervisor'`;
    expect(told).toEqual([
      expect.objectContaining({ channel: 'email', recipient: supervisor.email, audience: 'supervisor' }),
    ]);
    expect(told[0].subject).toContain('Olive Overdue');
    await expect.poll(() => escalated.length).toBe(2);
  });

  it('an alarm accepted in time is never escalated', async () => {
    const { device: d } = await device();
    await d.sendEvent('sos');
    await t.arc.idle();
    const [alarm] = await alarmsOf(d.deviceId);
    advance(5);
    await t.api('POST', `/api/alarms/${alarm.id}/accept`);
    advance(100);
    await tick();
    expect((await alarmsOf(d.deviceId))[0].escalationLevel).toBe(0);
  });
});

describe('amber sessions', () => {
  it('runs out: an "amber expired" alarm with the session note, once', async () => {
    const { device: d } = await device({ name: 'Amber Walker' });
    await d.sendEvent('amber.start', { durationS: 60, note: 'Visiting 12 Acacia Avenue' });
    await t.arc.idle();
    advance(59);
    await tick();
    expect(await alarmsOf(d.deviceId)).toEqual([]);
    advance(2);
    await tick();
    await tick();
    const alarms = await alarmsOf(d.deviceId);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 'amber.expired', priority: 2, sessionNote: 'Visiting 12 Acacia Avenue' });
    const [session] = await t.sql`select end_reason, alarm_id from amber_sessions where device_id = ${d.deviceId}`;
    expect(session).toMatchObject({ endReason: 'expired', alarmId: alarms[0].id });
  });

  it('extend moves the deadline from now; the safe PIN ends it; a wrong PIN does not', async () => {
    const { device: d } = await device({ safePin: '1111', duressPin: '9999' });
    await d.sendEvent('amber.start', { durationS: 60 });
    advance(50);
    await d.sendEvent('amber.extend', { durationS: 120 });
    await t.arc.idle();
    advance(100); // 150 s after start, 100 s after the extension
    await tick();
    expect(await alarmsOf(d.deviceId)).toEqual([]);
    await d.sendEvent('amber.end', { pin: '0000' });
    await t.arc.idle();
    expect((await t.sql`select ended_at from amber_sessions where device_id = ${d.deviceId}`)[0].endedAt).toBeNull();
    const end = await d.sendEvent('amber.end', { pin: '1111' });
    await d.waitForCommand({ eventId: end.id });
    advance(1000);
    await tick();
    // (Silent for 1,000 s, the device itself is now overdue: that is a different alarm.)
    expect((await alarmsOf(d.deviceId)).filter((a) => a.type === 'amber.expired')).toEqual([]);
  });

  it('a fall during a session raises at once', async () => {
    const { device: d } = await device();
    await d.sendEvent('amber.start', { durationS: 3600 });
    await d.sendEvent('fall');
    await t.arc.idle();
    expect((await alarmsOf(d.deviceId)).map((a) => a.type)).toEqual(['fall']);
  });
});

describe('lone-worker check-ins', () => {
  it('a shift started through the API: a check-in restarts the timer; a missed one raises after the grace', async () => {
    const { device: d } = await device({ name: 'Lone Worker' });
    const started = await t.api('POST', `/api/devices/${d.deviceId}/shift`, { intervalS: 600 });
    expect(started.status).toBe(201);
    expect(started.body.shift.graceS).toBe(30);
    advance(500);
    await d.sendEvent('checkin');
    await t.arc.idle();
    // (The device is also silent past its heartbeat by then: only check-in alarms count here.)
    const missed = async () => (await alarmsOf(d.deviceId)).filter((a) => a.type === 'checkin.missed');
    advance(600 + 29); // due 600 s after the check-in, then 30 s grace
    await tick();
    expect(await missed()).toEqual([]);
    advance(2);
    await tick();
    await tick();
    expect((await missed()).map((a) => [a.type, a.priority])).toEqual([['checkin.missed', 2]]);
    // Checking in again puts the shift back on its timer without a second alarm.
    await d.sendEvent('checkin');
    await t.arc.idle();
    advance(300);
    await tick();
    expect(await missed()).toHaveLength(1);
    expect((await t.api('DELETE', `/api/devices/${d.deviceId}/shift`)).status).toBe(200);
    advance(5000);
    await tick();
    expect((await alarmsOf(d.deviceId)).filter((a) => a.type === 'checkin.missed')).toHaveLength(1);
  });
});

describe('lone-worker shifts started from the device', () => {
  it('a check-in starts a shift from the device’s pattern; missed check-ins raise; the shift ends by itself', async () => {
    const { device: d } = await device({ name: 'Shift Starter' });
    const shiftOf = async () => (await t.api('GET', `/api/devices/${d.deviceId}/shift`)).body.shift;
    // No pattern: a check-in is only a sign of life.
    await d.sendEvent('checkin');
    await t.arc.idle();
    expect(await shiftOf()).toBeNull();

    const refused = await t.api(
      'PUT',
      `/api/devices/${d.deviceId}/shift-pattern`,
      { intervalS: 3600, lengthS: 1800 },
      supervisor.token,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toContainEqual({
      field: 'intervalS',
      message: 'the check-in interval must be shorter than the shift',
    });
    const operator = await t.createUser('operator');
    expect(
      (
        await t.api(
          'PUT',
          `/api/devices/${d.deviceId}/shift-pattern`,
          { intervalS: 600, lengthS: 1800 },
          operator.token,
        )
      ).status,
    ).toBe(403);
    const set = await t.api(
      'PUT',
      `/api/devices/${d.deviceId}/shift-pattern`,
      { intervalS: 600, lengthS: 1800 },
      supervisor.token,
    );
    expect(set.body.pattern).toEqual({ intervalS: 600, lengthS: 1800, graceS: 30 });

    // The wearer checks in: a shift starts, started by the wearer, ending in 30 minutes.
    const startedAt = clock;
    await d.sendEvent('checkin');
    await t.arc.idle();
    const shift = await shiftOf();
    expect(shift).toMatchObject({ startedBy: 'wearer', intervalS: 600, graceS: 30 });
    expect(Date.parse(shift.plannedEndAt)).toBe(startedAt + 1800_000);
    expect(Date.parse(shift.dueAt)).toBe(startedAt + 600_000);
    const [audited] =
      await t.sql`select actor, detail from audit_log where action = 'shift.started' and target = ${d.deviceId}`;
    expect(audited.actor).toBe(`device:${d.deviceId}`);

    // The first check-in is missed: raised after the grace, once.
    const missed = async () => (await alarmsOf(d.deviceId)).filter((a) => a.type === 'checkin.missed');
    advance(600 + 31);
    await tick();
    expect(await missed()).toHaveLength(1);
    // The wearer checks in again (the alarm stays for an operator), then checks in on time.
    advance(60);
    await d.sendEvent('checkin');
    await t.arc.idle();
    advance(540);
    await d.sendEvent('checkin');
    await t.arc.idle();
    // The next check-in would fall after the planned end: not owed, so no alarm, and the shift
    // closes at its planned end.
    advance(600 + 100);
    await tick();
    expect(await missed()).toHaveLength(1);
    expect(await shiftOf()).toBeNull();
    const [ended] = await t.sql<{ endedAt: Date; startedBy: string }[]>`
      select ended_at, started_by from checkin_shifts where device_id = ${d.deviceId} order by started_at desc limit 1`;
    expect(ended.endedAt.getTime()).toBe(startedAt + 1800_000);

    // A late "I'm OK" just after the shift ended does not start another one…
    await d.sendEvent('checkin');
    await t.arc.idle();
    expect(await shiftOf()).toBeNull();
    // …but checking in the next morning does; removing the pattern stops that.
    advance(12 * 3600);
    await d.sendEvent('checkin');
    await t.arc.idle();
    expect((await shiftOf()).startedBy).toBe('wearer');
    expect((await t.api('DELETE', `/api/devices/${d.deviceId}/shift`)).status).toBe(200);
    expect(
      (await t.api('DELETE', `/api/devices/${d.deviceId}/shift-pattern`, undefined, supervisor.token)).body.pattern,
    ).toBeNull();
    advance(3600);
    await d.sendEvent('checkin');
    await t.arc.idle();
    expect(await shiftOf()).toBeNull();
  });

  it('a check-in due inside the shift but missed near its end is still raised before the shift closes', async () => {
    const { device: d } = await device({ name: 'Late Shift' });
    await t.api(
      'PUT',
      `/api/devices/${d.deviceId}/shift-pattern`,
      { intervalS: 900, lengthS: 1000, graceS: 300 },
      supervisor.token,
    );
    await d.sendEvent('checkin');
    await t.arc.idle();
    // Due at 900 s, grace 300 s, planned end at 1000 s: at 1000 s the check-in is owed but not
    // yet missed, so the shift may not close…
    advance(1000);
    await tick();
    expect((await t.api('GET', `/api/devices/${d.deviceId}/shift`)).body.shift).not.toBeNull();
    // …the ARC was down until long after; on the first tick the missed check-in is raised
    // (late) and then the shift closes.
    advance(5000);
    await tick();
    const raised = (await alarmsOf(d.deviceId)).filter((a) => a.type === 'checkin.missed');
    expect(raised).toHaveLength(1);
    expect(raised[0].lateFired || raised[0].flags.late).toBeTruthy();
    expect((await t.api('GET', `/api/devices/${d.deviceId}/shift`)).body.shift).toBeNull();
  });
});

describe('no communication', () => {
  it('a silent device raises "no communication", which clears itself when the device is heard again', async () => {
    const { device: d } = await device({}, 60);
    await d.sendStatus({ batt: 80 });
    await t.arc.idle();
    advance(60 + 119);
    await tick();
    expect(await alarmsOf(d.deviceId)).toEqual([]);
    advance(2);
    await tick();
    await tick();
    const [alarm] = await alarmsOf(d.deviceId);
    expect(alarm).toMatchObject({ type: 'no_comm', priority: 4, condition: 'active' });

    const socket = t.operatorSocket(t.adminToken);
    await connected(socket);
    const cleared = new Promise<any>((resolve) => socket.on('alarm:updated', (a) => a.id === alarm.id && resolve(a)));
    await d.sendStatus({ batt: 79 });
    expect(await cleared).toMatchObject({ condition: 'cleared', flags: { clearedBy: 'device heard again' } });
    expect(await actionsOf(alarm.id)).toContain('condition.cleared');
    // Silent again while that alarm is still open: the same alarm, active again, one more activation.
    advance(200);
    await tick();
    const again = await t.sql`select condition, activations from alarms where device_id = ${d.deviceId}`;
    expect(again).toEqual([{ condition: 'active', activations: 2 }]);
    expect((await t.sql`select comm_alarm_id from devices where id = ${d.deviceId}`)[0].commAlarmId).toBe(alarm.id);
  });

  it('a device not in use is not supervised', async () => {
    const { device: d } = await device({}, 60);
    await d.sendStatus({});
    await t.api('PATCH', `/api/devices/${d.deviceId}`, { inUse: false });
    await t.arc.idle();
    advance(10_000);
    await tick();
    expect(await alarmsOf(d.deviceId)).toEqual([]);
  });
});

describe('low battery', () => {
  it('from status messages: a low-priority alarm once per charge cycle', async () => {
    const { device: d } = await device();
    await d.sendStatus({ batt: 15, charging: false });
    await d.sendStatus({ batt: 14, charging: false });
    await t.arc.idle();
    expect((await alarmsOf(d.deviceId)).map((a) => [a.type, a.priority])).toEqual([['battery.low', 5]]);
    await d.sendStatus({ batt: 14, charging: true });
    await d.sendStatus({ batt: 12, charging: false });
    await t.arc.idle();
    // The first alarm is still open: the second low reading of the next cycle adds to it.
    const alarms = await alarmsOf(d.deviceId);
    expect(alarms).toHaveLength(1);
    expect((await t.sql`select activations from alarms where id = ${alarms[0].id}`)[0].activations).toBe(2);
  });
});

describe('a deadline that falls due while the ARC is down', () => {
  it('fires once when the ARC comes back, marked late', async () => {
    const { device: d } = await device({ name: 'Restart Ruth' });
    await d.sendEvent('amber.start', { durationS: 120, note: 'Night visit' });
    await t.arc.idle();
    await d.close({ force: true });
    await t.arc.close();
    advance(600); // down for ten minutes; the session ran out after two
    await t.restart();
    await tick();
    await tick();
    // The device was silent all that time too: that raised its own alarm, beside this one.
    const alarms = (await alarmsOf(d.deviceId)).filter((a) => a.type === 'amber.expired');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ type: 'amber.expired', sessionNote: 'Night visit', flags: { late: true } });
    // …and the escalation that fell due meanwhile too, once each level.
    advance(60);
    await tick();
    await tick();
    expect((await alarmsOf(d.deviceId)).find((a) => a.id === alarms[0].id)!.escalationLevel).toBe(2);
    expect((await actionsOf(alarms[0].id)).filter((k) => k.startsWith('escalated'))).toEqual([
      'escalated.overdue',
      'escalated.supervisors',
    ]);
  });
});
