// A live feed's socket is checked when it connects; when its session ends later, the socket must
// not go on receiving alarms. A log-out closes the feeds opened with that session at once (and
// only those: the same person's other sessions stay); an expired session's feeds are closed by
// the next check (api/live/session-watch.ts). Real ARC, real PostgreSQL, real Socket.IO clients.
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connected, disconnection, startTestArc, type TestArc } from './support/test-arc.js';
import { carerSocket } from './support/carer-socket.js';
import { sessionTokenHash } from '../api/store/user-store.js';

let t: TestArc;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestArc();
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await t?.close();
});

async function operatorFeed(token: string) {
  const socket = t.operatorSocket(token);
  await connected(socket as never);
  return socket as unknown as Socket;
}
async function carerFeed(token: string) {
  const socket = carerSocket(t.httpUrl, token) as unknown as Socket;
  sockets.push(socket);
  await connected(socket);
  return socket;
}

describe('a live feed whose session ends', () => {
  it('is closed by a log-out; the same operator on another session keeps their console', async () => {
    const operator = await t.createUser('operator');
    const otherSession = await t.login(operator.email, operator.password);
    const loggingOut = await operatorFeed(operator.token);
    const staying = await operatorFeed(otherSession);
    const closed = disconnection(loggingOut);
    expect((await t.api('POST', '/api/auth/logout', undefined, operator.token)).status).toBe(200);
    expect(await closed).toBe('io server disconnect');
    // A pass of the check afterwards closes nothing more.
    expect(await t.arc.closeEndedSessions()).toBe(0);
    expect(staying.connected).toBe(true);
    staying.close();
  });

  it('is closed by a log-out for a carer page too', async () => {
    const carer = await t.createUser('carer');
    const page = await carerFeed(carer.token);
    const closed = disconnection(page);
    await t.api('POST', '/api/auth/logout', undefined, carer.token);
    expect(await closed).toBe('io server disconnect');
  });

  it('is closed by the next check once the session has expired, operator and carer alike', async () => {
    const operator = await t.createUser('operator');
    const carer = await t.createUser('carer');
    const console_ = await operatorFeed(operator.token);
    const page = await carerFeed(carer.token);
    const bystander = await operatorFeed((await t.createUser('supervisor')).token);
    const closedConsole = disconnection(console_);
    const closedPage = disconnection(page);
    for (const token of [operator.token, carer.token]) {
      await t.sql`update sessions set expires_at = ${new Date(Date.now() - 1000)} where token_hash = ${sessionTokenHash(token)}`;
    }
    expect(await t.arc.closeEndedSessions()).toBe(2);
    expect(await closedConsole).toBe('io server disconnect');
    expect(await closedPage).toBe('io server disconnect');
    expect(bystander.connected).toBe(true);
    bystander.close();
  });

  it('cannot come back with the ended session', async () => {
    const operator = await t.createUser('operator');
    await t.api('POST', '/api/auth/logout', undefined, operator.token);
    const again = t.operatorSocket(operator.token);
    await expect(connected(again as never)).rejects.toMatchObject({ code: 'ARC_ERR_AUTH_REQUIRED' });
  });
});
