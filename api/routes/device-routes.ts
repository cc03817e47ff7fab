// Devices: an administrator provisions one and gets its secret once, rotates the secret,
// disables it; staff list them with last position and health.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../../protocol/device-topics.js';
import { ArcError } from '../errors.js';
import { deviceConnection, phoneAppSettings } from './device-connection.js';
import { generateOsmAndToken, hashOsmAndToken } from '../auth/osmand-token.js';
import { generateSecret, hashDeviceSecret } from '../auth/secret-hash.js';
import { audit } from '../store/audit-log.js';
import {
  decommissionDevice,
  insertDevice,
  listDevices,
  updateDevice,
  type DeviceChanges,
} from '../store/device-store.js';
import { getWearer } from '../store/wearer-store.js';
import { endTestMode, startTestMode } from '../handling/device-test-mode.js';
import { PhoneNumber } from './phone-number.js';
import { parseInput } from './parse-input.js';
import { sendCompactJson } from './compact-json.js';
import { deviceRowsOf } from '../live/console-contract.js';
import { actorOf, scopeOf } from './request-user.js';
import { organisationFilter } from './tenant-scope.js';
import { organisationsOf, type Scope } from '../store/tenancy-store.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

const DeviceId = z.string().regex(DEVICE_ID_PATTERN, 'a device id is 3 to 64 of A-Z a-z 0-9 _ -');
const HeartbeatS = z.number().int().min(10).max(86400);

export const NewDevice = z.object({
  id: DeviceId,
  label: z.string().max(200).default(''),
  wearerId: z.uuid().nullable().default(null),
  heartbeatS: HeartbeatS.default(300),
  simNumber: PhoneNumber.nullable().optional(),
  /** Without it: the wearer's, or the caller's only organisation, or the default one. */
  organisationId: z.uuid().optional(),
});
export const DeviceUpdate = z.object({
  label: z.string().max(200).optional(),
  enabled: z.boolean().optional(),
  /** Off shift / not worn: not supervised for silence. */
  inUse: z.boolean().optional(),
  wearerId: z.uuid().nullable().optional(),
  heartbeatS: HeartbeatS.optional(),
  simNumber: PhoneNumber.nullable().optional(),
  /** Moves an unworn device to another organisation; a worn one is always in its wearer's. */
  organisationId: z.uuid().optional(),
});
export const DeviceParams = z.object({ id: DeviceId });
/** `form=rows`: the devices view's compact list (DeviceRows); default a list of DeviceView objects. */
export const DeviceListQuery = z.object({
  wearerId: z.uuid().optional(),
  decommissioned: z.enum(['include']).optional(),
  form: z.enum(['objects', 'rows']).default('objects'),
});
export const Decommission = z.object({
  reason: z.string().trim().min(3, 'say why the device is taken out of service').max(500),
});
export const TestMode = z.object({
  minutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  reason: z.string().trim().min(3, 'say why the device is on test').max(500),
});

export function deviceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  // Organisation managers manage their own organisation's devices (the role guard keeps them there).
  const readers = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');
  const owners = deps.allow('administrator', 'organisation_manager');

  async function requireWearer(wearerId: string | null | undefined) {
    if (wearerId && !(await getWearer(sql, wearerId))) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
  }
  async function requireOrganisation(organisationId: string | null | undefined) {
    if (organisationId && !(await organisationsOf(sql, 'organisation', [organisationId])).size)
      throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
  }
  /**
   * What a device or phone app needs to connect, shown with each new secret (device protocol,
   * "Connection": the client id and the username are both the device id, the password its secret).
   */
  const connectionOf = (id: string, secret: string) => deviceConnection(deps.config, id, secret);
  /** Traccar Client's identifier is a secret of its own, shown with the device's and stored as a hash. */
  const appsOf = (id: string, secret: string, osmandToken: string) =>
    phoneAppSettings(deps.config, id, secret, osmandToken);

  /** The device list, "connected" as any node sees it (cluster mode asks the other nodes). */
  async function devicesView(
    only: { deviceId?: string; wearerId?: string; includeDecommissioned?: boolean },
    scope?: Scope,
  ) {
    const views = await listDevices(sql, deps.isDeviceConnected, only, scope);
    const away = views.filter((v) => !v.connected).map((v) => v.id);
    if (!deps.connectedElsewhere || !away.length) return views;
    const elsewhere = await deps.connectedElsewhere(away);
    return views.map((v) => (elsewhere.has(v.id) ? { ...v, connected: true } : v));
  }

  async function viewOf(id: string) {
    const [view] = await devicesView({ deviceId: id });
    if (!view) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
    return view;
  }

  // ?wearerId= narrows the list to one wearer's devices (a wearer's page needs no other).
  app.get('/api/devices', { preHandler: readers }, async (request, reply) => {
    const { wearerId, decommissioned, form } = parseInput(DeviceListQuery, request.query);
    const devices = await devicesView(
      { wearerId, includeDecommissioned: decommissioned === 'include' },
      scopeOf(request),
    );
    // Positions are personal data: one audit row per list, not one per device.
    await audit(sql, actorOf(request), 'device.positions_viewed', wearerId ?? null, {
      devices: devices.length,
      ...(wearerId && { wearerId }),
    });
    if (form === 'objects') return { devices };
    // The devices view at 10,000 devices (issue 14): each field name once, gzipped when large.
    return sendCompactJson(request, reply, deviceRowsOf(devices));
  });

  app.get('/api/devices/:id', { preHandler: readers }, async (request) => {
    const device = await viewOf(parseInput(DeviceParams, request.params).id);
    await audit(sql, actorOf(request), 'device.viewed', device.id);
    return { device };
  });

  app.post('/api/devices', { preHandler: owners }, async (request, reply) => {
    const parsed = parseInput(NewDevice, request.body);
    await requireWearer(parsed.wearerId);
    await requireOrganisation(parsed.organisationId);
    const input = {
      ...parsed,
      organisationId: parsed.wearerId
        ? undefined
        : (organisationFilter(scopeOf(request), parsed.organisationId) ?? undefined),
    };
    const secret = generateSecret();
    const osmandToken = generateOsmAndToken();
    const secretHash = hashDeviceSecret(secret);
    await inTransaction(sql, async (tx) => {
      if (
        !(await insertDevice(tx, {
          ...input,
          secretHash,
          osmandTokenHash: hashOsmAndToken(osmandToken),
          createdAt: deps.now(),
        }))
      )
        throw new ArcError('ARC_ERR_DEVICE_EXISTS');
      await audit(tx, actorOf(request), 'device.provisioned', input.id, {
        label: input.label,
        wearerId: input.wearerId,
      });
    });
    // The secret is shown this once and stored only as a slow hash.
    return reply.status(201).send({
      device: await viewOf(input.id),
      secret,
      connection: connectionOf(input.id, secret),
      apps: appsOf(input.id, secret, osmandToken),
    });
  });

  app.patch('/api/devices/:id', { preHandler: owners }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    const changes: DeviceChanges = parseInput(DeviceUpdate, request.body);
    await requireWearer(changes.wearerId);
    await requireOrganisation(changes.organisationId);
    if ((await viewOf(id)).decommissionedAt) throw new ArcError('ARC_ERR_DEVICE_DECOMMISSIONED');
    await inTransaction(sql, async (tx) => {
      if (!(await updateDevice(tx, id, changes))) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
      await audit(tx, actorOf(request), 'device.updated', id, changes as Record<string, unknown>);
    });
    if (changes.enabled === false) deps.disconnectDevice(id);
    if (changes.wearerId !== undefined) deps.zonesChanged?.(); // another wearer, other zones
    return { device: await viewOf(id) };
  });

  // Test mode: alarms are flagged test, go to no contact and no police, count in no SLA figure.
  app.put('/api/devices/:id/test-mode', { preHandler: deps.allow('administrator', 'supervisor') }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    const { minutes, reason } = parseInput(TestMode, request.body);
    const until = new Date(deps.now().getTime() + minutes * 60_000);
    await startTestMode(sql, actorOf(request), id, until, reason);
    return { device: await viewOf(id) };
  });

  app.delete(
    '/api/devices/:id/test-mode',
    { preHandler: deps.allow('administrator', 'supervisor') },
    async (request) => {
      const { id } = parseInput(DeviceParams, request.params);
      await endTestMode(sql, actorOf(request), id);
      return { device: await viewOf(id) };
    },
  );

  // Decommission: out of service for good (no supervision, no alarms, no connection), history kept.
  app.post('/api/devices/:id/decommission', { preHandler: owners }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    const { reason } = parseInput(Decommission, request.body);
    const done = await decommissionDevice(sql, id, reason, deps.now());
    if (done === false) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
    if (done === null) throw new ArcError('ARC_ERR_DEVICE_DECOMMISSIONED');
    await audit(sql, actorOf(request), 'device.decommissioned', id, { reason, wearerId: done.wearerId });
    deps.disconnectDevice(id);
    deps.zonesChanged?.();
    return { device: await viewOf(id) };
  });

  app.post('/api/devices/:id/rotate-secret', { preHandler: owners }, async (request) => {
    const { id } = parseInput(DeviceParams, request.params);
    if ((await viewOf(id)).decommissionedAt) throw new ArcError('ARC_ERR_DEVICE_DECOMMISSIONED');
    const secret = generateSecret();
    const osmandToken = generateOsmAndToken();
    const changes = { secretHash: hashDeviceSecret(secret), osmandTokenHash: hashOsmAndToken(osmandToken) };
    await inTransaction(sql, async (tx) => {
      if (!(await updateDevice(tx, id, changes))) throw new ArcError('ARC_ERR_DEVICE_NOT_FOUND');
      await audit(tx, actorOf(request), 'device.secret_rotated', id);
    });
    deps.disconnectDevice(id); // whoever holds the old secret is out now
    return {
      device: await viewOf(id),
      secret,
      connection: connectionOf(id, secret),
      apps: appsOf(id, secret, osmandToken),
    };
  });
}
