// Wearers and carer links. PINs are write-only: stored as slow hashes, shown as "set" or not.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { hashSecret, verifySecret } from '../auth/secret-hash.js';
import { audit } from '../store/audit-log.js';
import {
  WearerProfile,
  getWearer,
  insertWearer,
  linkCarer,
  listLinkedCarers,
  listWearers,
  unlinkCarer,
  updateWearer,
  type WearerFields,
} from '../store/wearer-store.js';
import { findUserById } from '../store/user-store.js';
import { getOrganisation } from '../store/organisation-store.js';
import { parseInput } from './parse-input.js';
import { PhoneNumber } from './phone-number.js';
import { actorOf, scopeOf } from './request-user.js';
import { organisationFilter } from './tenant-scope.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

const Pin = z.string().regex(/^[0-9]{4,8}$/, 'a PIN is 4 to 8 digits');
const Notes = z.string().max(5000);
const LowBatteryPercent = z.number().int().min(1).max(99);
export const WearerInput = z.object({
  name: z.string().trim().min(1).max(200),
  profile: z.enum(WearerProfile).default('lone_worker'),
  notes: Notes.default(''),
  medicalNotes: Notes.default(''),
  lowBatteryPercent: LowBatteryPercent.default(20),
  organisationId: z.uuid().nullable().default(null),
  phone: PhoneNumber.nullable().optional(),
  homeLat: z.number().min(-90).max(90).nullable().optional(),
  homeLon: z.number().min(-180).max(180).nullable().optional(),
  /** Write-only: key safe code, door entry, pets, hazards ("" removes it). */
  accessInfo: z.string().trim().max(2000).optional(),
  safePin: Pin.nullable().optional(),
  duressPin: Pin.nullable().optional(),
  /** Let the wearer's carers change safe zones in the carer view. */
  carersEditSafeZones: z.boolean().optional(),
});
// Zod 4 applies a default even under .optional(): every field with one is made plainly optional
// again, or a PATCH would reset what it does not mention.
export const WearerUpdate = WearerInput.partial().extend({
  profile: z.enum(WearerProfile).optional(),
  notes: Notes.optional(),
  medicalNotes: Notes.optional(),
  lowBatteryPercent: LowBatteryPercent.optional(),
  organisationId: z.uuid().nullable().optional(),
});
export const WearerParams = z.object({ id: z.uuid() });
export const CarerLink = z.object({ carerId: z.uuid(), wearerId: z.uuid() });

async function fieldsOf(input: z.infer<typeof WearerUpdate>): Promise<WearerFields> {
  const { safePin, duressPin, ...rest } = input;
  // Home is a point: both coordinates or neither (null clears it).
  if (
    (rest.homeLat === undefined) !== (rest.homeLon === undefined) ||
    (rest.homeLat === null) !== (rest.homeLon === null)
  ) {
    throw new ArcError('ARC_ERR_VALIDATION', 'Give both homeLat and homeLon, or neither', [
      { field: 'homeLon', message: 'give both coordinates of home, or neither' },
    ]);
  }
  if (safePin && duressPin && safePin === duressPin) {
    throw new ArcError('ARC_ERR_VALIDATION', 'The duress PIN must differ from the safe PIN', [
      { field: 'duressPin', message: 'must differ from the safe PIN' },
    ]);
  }
  const fields: WearerFields = { ...rest };
  if (safePin !== undefined) fields.safePinHash = safePin === null ? null : await hashSecret(safePin);
  if (duressPin !== undefined) fields.duressPinHash = duressPin === null ? null : await hashSecret(duressPin);
  return fields;
}

export function wearerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;

  /**
   * A new safe PIN equal to the stored duress PIN (or the reverse) would make every safe cancel
   * a duress alarm: refused, like two equal PINs in one request.
   */
  async function refuseEqualToStoredPin(id: string, input: { safePin?: string | null; duressPin?: string | null }) {
    const onlySafe = input.safePin && input.duressPin === undefined;
    const onlyDuress = input.duressPin && input.safePin === undefined;
    if (!onlySafe && !onlyDuress) return;
    const [stored] = await sql<{ safePinHash: string | null; duressPinHash: string | null }[]>`
      select safe_pin_hash, duress_pin_hash from wearers where id = ${id}`;
    if (!stored) return;
    const [pin, other, field] = onlySafe
      ? [input.safePin!, stored.duressPinHash, 'safePin']
      : [input.duressPin!, stored.safePinHash, 'duressPin'];
    if (other && (await verifySecret(pin, other))) {
      throw new ArcError('ARC_ERR_VALIDATION', 'The duress PIN must differ from the safe PIN', [
        { field, message: 'must differ from the other PIN' },
      ]);
    }
  }
  // Organisation managers manage their own organisation's wearers (the role guard keeps them there).
  const staff = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');
  const managers = deps.allow('administrator', 'supervisor', 'organisation_manager');

  async function requireOrganisation(organisationId: string | null | undefined) {
    if (organisationId && !(await getOrganisation(sql, organisationId)))
      throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
  }

  app.get('/api/wearers', { preHandler: staff }, async (request) => {
    const wearers = await listWearers(sql, undefined, scopeOf(request));
    // The list carries every record in full: one audit row for the look, not one per wearer.
    await audit(sql, actorOf(request), 'wearers.listed', null, { wearers: wearers.length });
    return { wearers };
  });

  app.get('/api/wearers/:id', { preHandler: staff }, async (request) => {
    const wearer = await getWearer(sql, parseInput(WearerParams, request.params).id);
    if (!wearer) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    await audit(sql, actorOf(request), 'wearer.viewed', wearer.id);
    return { wearer };
  });

  app.post('/api/wearers', { preHandler: managers }, async (request, reply) => {
    const parsed = parseInput(WearerInput, request.body);
    // Without one: the caller's only organisation, or (for staff serving all) the default one.
    const input = {
      ...parsed,
      organisationId: organisationFilter(scopeOf(request), parsed.organisationId ?? undefined),
    };
    await requireOrganisation(input.organisationId);
    const fields = await fieldsOf(input);
    const wearer = await inTransaction(sql, async (tx) => {
      const created = await insertWearer(tx, { ...fields, name: input.name });
      await audit(tx, actorOf(request), 'wearer.created', created.id, {
        name: created.name,
        ...(created.hasAccessInfo && { accessInfoChanged: true }),
        profile: created.profile,
        ...(created.organisationId && { organisationId: created.organisationId }),
      });
      return created;
    });
    return reply.status(201).send({ wearer });
  });

  app.patch('/api/wearers/:id', { preHandler: managers }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    const input = parseInput(WearerUpdate, request.body);
    // null (no organisation) means the default one: not somewhere outside a scoped caller's.
    if (input.organisationId === null) input.organisationId = organisationFilter(scopeOf(request), undefined);
    await refuseEqualToStoredPin(id, input);
    await requireOrganisation(input.organisationId);
    const fields = await fieldsOf(input);
    // Health details stay out of the audit log, like the PINs: it says that they changed.
    const { safePin, duressPin, medicalNotes, accessInfo, ...visible } = input;
    const wearer = await inTransaction(sql, async (tx) => {
      const updated = await updateWearer(tx, id, fields);
      if (!updated) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      await audit(tx, actorOf(request), 'wearer.updated', id, {
        ...visible,
        ...(accessInfo !== undefined && { accessInfoChanged: true }),
        ...(safePin !== undefined && { safePinChanged: true }),
        ...(duressPin !== undefined && { duressPinChanged: true }),
        ...(medicalNotes !== undefined && { medicalNotesChanged: true }),
      });
      return updated;
    });
    return { wearer };
  });

  app.get('/api/wearers/:id/carers', { preHandler: managers }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    if (!(await getWearer(sql, id))) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    return { carers: await listLinkedCarers(sql, id) };
  });

  app.post('/api/carer-links', { preHandler: managers }, async (request, reply) => {
    const { carerId, wearerId } = parseInput(CarerLink, request.body);
    const carer = await findUserById(sql, carerId);
    if (!carer || carer.role !== 'carer') throw new ArcError('ARC_ERR_USER_NOT_FOUND', 'No carer with that id');
    if (!(await getWearer(sql, wearerId))) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    await inTransaction(sql, async (tx) => {
      await linkCarer(tx, carerId, wearerId);
      await audit(tx, actorOf(request), 'carer.linked', wearerId, { carerId });
    });
    return reply.status(201).send({ carerId, wearerId });
  });

  app.delete('/api/carer-links', { preHandler: managers }, async (request) => {
    const { carerId, wearerId } = parseInput(CarerLink, request.body);
    await inTransaction(sql, async (tx) => {
      if (!(await unlinkCarer(tx, carerId, wearerId)))
        throw new ArcError('ARC_ERR_NOT_FOUND', 'That carer is not linked to that wearer');
      await audit(tx, actorOf(request), 'carer.unlinked', wearerId, { carerId });
    });
    return { ok: true };
  });
}
