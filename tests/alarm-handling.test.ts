// What an operator does with an alarm, through the API, against the real ARC: accept (one wins),
// act, resolve with a closure code, annotate; repeats, linking, cancel by wearer, test mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedDevice } from '../device-sim/simulated-device.js';
import { connected, startTestArc, type TestArc } from './support/test-arc.js';

let t: TestArc;
let ann: Awaited<ReturnType<TestArc['createUser']>>;
let bob: Awaited<ReturnType<TestArc['createUser']>>;
let sue: Awaited<ReturnType<TestArc['createUser']>>;
const devices: SimulatedDevice[] = [];

beforeAll(async () => {
  t = await startTestArc();
  ann = await t.createUser('operator');
  bob = await t.createUser('operator');
  sue = await t.createUser('supervisor');
});
afterAll(async () => {
  for (const d of devices) await d.close({ force: true });
  await t?.close();
});

async function deviceFor(wearerFields: Record<string, unknown> = {}) {
  const wearer = await t.createWearer(wearerFields);
  const device = new SimulatedDevice({
    ...(await t.provisionDevice({ wearerId: wearer.id })),
    url: t.mqttUrl,
    reconnect: false,
  });
  devices.push(device);
  await device.connect();
  return { device, wearer };
}

async function raise(device: SimulatedDevice, type = 'sos', extra: Record<string, unknown> = {}) {
  const sent = await device.sendEvent(type, extra);
  await t.arc.idle();
  const [row] =
    await t.sql`select alarm_id from events where device_id = ${device.deviceId} and event_key = ${sent.id}`;
  return row.alarmId as string;
}

const detail = async (id: string, token = t.adminToken) =>
  (await t.api('GET', `/api/alarms/${id}`, undefined, token)).body;

describe('accept', () => {
  it('exactly one of two operators accepting at the same moment wins; the other is told who', async () => {
    const { device } = await deviceFor();
    const id = await raise(device);
    const [a, b] = await Promise.all([
      t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token),
      t.api('POST', `/api/alarms/${id}/accept`, undefined, bob.token),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const [winner, loser, winningUser] = a.status === 200 ? [a, b, ann] : [b, a, bob];
    expect(winner.body.alarm.owner.id).toBe(winningUser.id);
    const [{ name }] = await t.sql`select name from users where id = ${winningUser.id}`;
    expect(loser.body.error).toMatchObject({
      code: 'ARC_ERR_ALARM_ALREADY_ACCEPTED',
      message: `Already accepted by ${name}`,
    });
    const { actions } = await detail(id);
    expect(actions.filter((x: any) => x.kind === 'accept')).toHaveLength(1);
  });

  it('pushes the change to every console', async () => {
    const { device } = await deviceFor();
    const id = await raise(device);
    const socket = t.operatorSocket(bob.token);
    await connected(socket);
    const updated = new Promise<any>((resolve) => socket.on('alarm:updated', (a) => a.id === id && resolve(a)));
    await t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token);
    expect(await updated).toMatchObject({ id, status: 'accepted', owner: { id: ann.id } });
  });
});

describe('acting on an alarm and closing it', () => {
  it('logs each action with time and operator, in order, and a resolved alarm leaves the queue and cannot change', async () => {
    const { device } = await deviceFor({ name: 'Grace Genuine' });
    const id = await raise(device);
    const act = (body: unknown) => t.api('POST', `/api/alarms/${id}/actions`, body, ann.token);

    expect((await act({ kind: 'note', text: 'Open line: <script>alert(1)</script> shouting heard' })).status).toBe(409); // not accepted yet
    expect((await t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token)).status).toBe(200);
    expect((await act({ kind: 'note', text: 'Open line: <script>alert(1)</script> shouting heard' })).status).toBe(200);
    expect((await act({ kind: 'called_wearer', outcome: 'no_answer' })).status).toBe(200);
    expect((await act({ kind: 'called_contact', contactName: 'Carol (daughter)', outcome: 'answered' })).status).toBe(
      200,
    );
    expect((await act({ kind: 'passed_to_ambulance', reference: 'AMB-77' })).status).toBe(200);
    expect((await act({ kind: 'verified', verdict: 'genuine' })).status).toBe(200);
    expect((await act({ kind: 'called_wearer', outcome: 'maybe' })).status).toBe(400);
    // Someone else may not act on Ann's alarm.
    expect(
      (await t.api('POST', `/api/alarms/${id}/actions`, { kind: 'note', text: 'x' }, bob.token)).body.error.code,
    ).toBe('ARC_ERR_ALARM_NOT_YOURS');

    const noNote = await t.api('POST', `/api/alarms/${id}/resolve`, { closureCode: 'genuine_ambulance' }, ann.token);
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.code).toBe('ARC_ERR_CLOSURE_NOTE_REQUIRED');
    const badCode = await t.api('POST', `/api/alarms/${id}/resolve`, { closureCode: 'sorted' }, ann.token);
    expect(badCode.status).toBe(400);
    const resolved = await t.api(
      'POST',
      `/api/alarms/${id}/resolve`,
      { closureCode: 'genuine_ambulance', note: 'Ambulance took Grace to hospital' },
      ann.token,
    );
    expect(resolved.status).toBe(200);
    expect(resolved.body.alarm).toMatchObject({
      status: 'resolved',
      closureCode: 'genuine_ambulance',
      verified: 'genuine',
    });
    expect(resolved.body.alarm.resolvedAt).not.toBeNull();

    const queue = await t.api('GET', '/api/alarms');
    expect(queue.body.alarms.map((a: any) => a.id)).not.toContain(id);
    const again = await t.api('POST', `/api/alarms/${id}/actions`, { kind: 'note', text: 'late' }, ann.token);
    expect(again.body.error.code).toBe('ARC_ERR_ALARM_RESOLVED');
    expect(
      (await t.api('POST', `/api/alarms/${id}/annotations`, { text: 'Family rang to thank us' }, bob.token)).status,
    ).toBe(200);

    // The operators' actions (the ARC's own plan records, step.*, are between them).
    const actions = (await detail(id)).actions.filter((a: any) => !a.kind.startsWith('step.'));
    expect(actions.map((a: any) => a.kind)).toEqual([
      'accept',
      'note',
      'called_wearer',
      'called_contact',
      'passed_to_ambulance',
      'verified',
      'resolve',
      'annotate',
    ]);
    expect(actions[1].detail.text).toBe('Open line: <script>alert(1)</script> shouting heard'); // plain text, as typed
    const [{ name: annName }] = await t.sql`select name from users where id = ${ann.id}`;
    expect(actions.slice(0, 7).map((a: any) => a.actor)).toEqual(Array(7).fill(annName));
    expect(actions[7].actor).not.toBe(annName); // Bob annotated
    const times = actions.map((a: any) => new Date(a.at).getTime());
    expect(times).toEqual([...times].sort((x, y) => x - y));
    // Changes only: looks at the alarm are audited too (alarm.viewed).
    const audited =
      await t.sql`select action from audit_log where target = ${id} and action <> 'alarm.viewed' order by id`;
    expect(audited.map((r) => r.action)).toEqual(actions.map((a: any) => `alarm.${a.kind}`));
  });

  it('passing to police uses the wearer URN exactly as issued, and is refused with the reason when police response is withdrawn', async () => {
    const { device, wearer } = await deviceFor();
    await t.sql`update wearers set urn = ${'MERS/2026/ab-001'} where id = ${wearer.id}`;
    const id = await raise(device);
    await t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token);
    const passed = await t.api('POST', `/api/alarms/${id}/actions`, { kind: 'passed_to_police' }, ann.token);
    expect(passed.status).toBe(200);
    expect((await detail(id)).actions.findLast((a: any) => a.kind === 'passed_to_police').detail.urn).toBe(
      'MERS/2026/ab-001',
    );

    await t.sql`update wearers set police_withdrawn = true, police_withdrawn_reason = ${'Withdrawn after repeated false calls, review 1 Dec'} where id = ${wearer.id}`;
    const refused = await t.api('POST', `/api/alarms/${id}/actions`, { kind: 'passed_to_police' }, ann.token);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'ARC_ERR_ALARM_POLICE_WITHDRAWN',
      message: expect.stringContaining('review 1 Dec'),
    });
  });

  it('a supervisor reassigns; an operator cannot; nobody gives an alarm to a carer', async () => {
    const { device } = await deviceFor();
    const id = await raise(device);
    await t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token);
    expect((await t.api('POST', `/api/alarms/${id}/reassign`, { userId: bob.id }, ann.token)).status).toBe(403);
    const carer = await t.createUser('carer');
    expect((await t.api('POST', `/api/alarms/${id}/reassign`, { userId: carer.id }, sue.token)).body.error.code).toBe(
      'ARC_ERR_REASSIGN_TARGET',
    );
    const gone = await t.createUser('operator');
    await t.sql`update users set disabled = true where id = ${gone.id}`;
    expect((await t.api('POST', `/api/alarms/${id}/reassign`, { userId: gone.id }, sue.token)).body.error.code).toBe(
      'ARC_ERR_REASSIGN_TARGET',
    );
    const moved = await t.api('POST', `/api/alarms/${id}/reassign`, { userId: bob.id }, sue.token);
    expect(moved.body.alarm.owner.id).toBe(bob.id);
    expect((await detail(id)).actions.at(-1)).toMatchObject({
      kind: 'reassign',
      detail: { to: expect.any(String), toId: bob.id },
    });
  });
});

describe('more events from the same wearer', () => {
  it('a second SOS while one is open is attached to it, not a new alarm, and shown', async () => {
    const { device } = await deviceFor();
    const socket = t.operatorSocket(t.adminToken);
    await connected(socket);
    const first = await raise(device, 'sos');
    const updated = new Promise<any>((resolve) => socket.on('alarm:updated', (a) => a.id === first && resolve(a)));
    const second = await raise(device, 'sos');
    expect(second).toBe(first);
    expect(await updated).toMatchObject({ id: first, activations: 2 });
    const [{ n }] = await t.sql`select count(*)::int as n from alarms where device_id = ${device.deviceId}`;
    expect(n).toBe(1);
  });

  it('a new alarm of a wearer whose alarm an operator holds goes to that operator, linked', async () => {
    const { device } = await deviceFor();
    const fall = await raise(device, 'fall');
    await t.api('POST', `/api/alarms/${fall}/accept`, undefined, ann.token);
    const sos = await raise(device, 'sos');
    expect(sos).not.toBe(fall);
    const { alarm } = await detail(sos);
    expect(alarm).toMatchObject({ status: 'accepted', owner: { id: ann.id }, linkedTo: fall });
    expect((await detail(fall)).linkedAlarmIds).toEqual([sos]);
  });

  it('sos.cancel with the safe PIN marks the SOS cancelled by the wearer; an operator still verifies and closes it', async () => {
    const { device } = await deviceFor({ safePin: '2468', duressPin: '1357' });
    const id = await raise(device, 'sos');
    const cancel = await device.sendEvent('sos.cancel', { pin: '2468' });
    await device.waitForCommand({ eventId: cancel.id });
    await t.arc.idle();
    const { alarm } = await detail(id);
    expect(alarm.status).toBe('raised');
    expect(alarm.cancelledByWearerAt).not.toBeNull();
    await t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token);
    const closed = await t.api(
      'POST',
      `/api/alarms/${id}/resolve`,
      { closureCode: 'cancelled_by_wearer_verified' },
      ann.token,
    );
    expect(closed.body.alarm.status).toBe('resolved');
  });
});

describe('test mode', () => {
  it('a device on test raises alarms flagged test that go to no police and no contact; it is audited', async () => {
    const { device } = await deviceFor();
    const started = await t.api(
      'PUT',
      `/api/devices/${device.deviceId}/test-mode`,
      { minutes: 30, reason: 'Installer commissioning' },
      sue.token,
    );
    expect(started.status).toBe(200);
    expect(started.body.device.testReason).toBe('Installer commissioning');
    expect(
      (await t.api('PUT', `/api/devices/${device.deviceId}/test-mode`, { minutes: 30, reason: 'x' }, ann.token)).status,
    ).toBe(403);
    const id = await raise(device);
    await t.api('POST', `/api/alarms/${id}/accept`, undefined, ann.token);
    expect((await detail(id)).alarm.isTest).toBe(true);
    expect(
      (await t.api('POST', `/api/alarms/${id}/actions`, { kind: 'passed_to_police', urn: 'X-1' }, ann.token)).body.error
        .code,
    ).toBe('ARC_ERR_ALARM_TEST_MODE');
    expect(
      (
        await t.api(
          'POST',
          `/api/alarms/${id}/actions`,
          { kind: 'called_contact', contactName: 'C', outcome: 'answered' },
          ann.token,
        )
      ).body.error.code,
    ).toBe('ARC_ERR_ALARM_TEST_MODE');
    const [entry] =
      await t.sql`select actor, detail from audit_log where action = 'device.test_mode_started' and target = ${device.deviceId}`;
    expect(entry).toMatchObject({ actor: sue.email, detail: { reason: 'Installer commissioning' } });

    await t.api('DELETE', `/api/devices/${device.deviceId}/test-mode`, undefined, sue.token);
    const real = await raise(device, 'fall');
    expect((await detail(real)).alarm.isTest).toBe(false);
  });
});

describe('commands back to the device', () => {
  it('after an SOS: "help knows", then a request to track; when an operator closes the alarm: alarm.closed', async () => {
    const { device } = await deviceFor();
    const sent = await device.sendEvent('sos');
    await device.waitForCommand({ type: 'alarm.received', eventId: sent.id });
    const locate = await device.waitForCommand({ type: 'locate' });
    expect(locate).toMatchObject({ everyS: 15, forS: 900 });
    expect(device.commands.map((c) => c.type)).toEqual(['alarm.received', 'locate']);
    await t.arc.idle();
    const [{ alarmId }] = await t.sql`select alarm_id from events where event_key = ${sent.id}`;
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, ann.token);
    await t.api('POST', `/api/alarms/${alarmId}/resolve`, { closureCode: 'false_accidental' }, ann.token);
    expect(await device.waitForCommand({ type: 'alarm.closed' })).toMatchObject({ eventId: sent.id });
  });

  it('a silent duress alarm, closed, sends nothing to the device', async () => {
    const { device } = await deviceFor({ safePin: '1212', duressPin: '3434' });
    const cancel = await device.sendEvent('sos.cancel', { pin: '3434' });
    await device.waitForCommand({ eventId: cancel.id });
    await t.arc.idle();
    const [{ alarmId }] = await t.sql`select alarm_id from events where event_key = ${cancel.id}`;
    await t.api('POST', `/api/alarms/${alarmId}/accept`, undefined, ann.token);
    await t.api(
      'POST',
      `/api/alarms/${alarmId}/resolve`,
      { closureCode: 'genuine_police', note: 'Police attended quietly' },
      ann.token,
    );
    await t.arc.idle();
    const [{ n }] =
      await t.sql`select count(*)::int as n from device_commands where device_id = ${device.deviceId} and body->>'type' = 'alarm.closed'`;
    expect(n).toBe(0);
    expect(device.commands.map((c) => c.type)).toEqual(['alarm.received']);
  });
});
