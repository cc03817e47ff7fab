// Organisations wearers belong to, and the police URN a force issued to an organisation (BS 8484:
// per wearer or per organisation). Staff read them; supervisors and administrators change them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RETENTION_BOUNDS } from '../rules/retention-rules.js';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { audit } from '../store/audit-log.js';
import {
  getOrganisation,
  insertOrganisation,
  listOrganisations,
  updateOrganisation,
  type Organisation,
  type OrganisationFields,
} from '../store/organisation-store.js';
import { parseInput } from './parse-input.js';
import {
  PoliceUrn,
  PoliceWithdrawnReason,
  WITHDRAWAL_REASON_REQUIRED,
  requireWithdrawalReason,
} from './police-input.js';
import { actorOf, scopeOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

const Name = z.string().trim().min(1).max(200);
const days = (bounds: { min: number; max: number }) => z.number().int().min(bounds.min).max(bounds.max);
/** Retention periods in days (docs/reference/data-protection.md); administrators only. */
const Retention = {
  locationRetentionDays: days(RETENTION_BOUNDS.locationDays).optional(),
  alarmRetentionDays: days(RETENTION_BOUNDS.alarmDays).optional(),
  auditRetentionDays: days(RETENTION_BOUNDS.auditDays).optional(),
};
const RETENTION_FIELDS = Object.keys(Retention) as (keyof typeof Retention)[];

/** Data protection settings are the administrators' (as subject access and erasure are). */
function requireAdministratorFor(request: FastifyRequest, input: Record<string, unknown>): void {
  if (RETENTION_FIELDS.some((f) => input[f] !== undefined) && request.user?.role !== 'administrator') {
    throw new ArcError('ARC_ERR_FORBIDDEN', 'Only administrators may change how long data is kept');
  }
}
export const NewOrganisation = z
  .object({
    name: Name,
    urn: PoliceUrn.optional(),
    policeWithdrawn: z.boolean().optional(),
    policeWithdrawnReason: PoliceWithdrawnReason.optional(),
    ...Retention,
  })
  .superRefine(requireWithdrawalReason);
export const OrganisationUpdate = z.object({
  name: Name.optional(),
  urn: PoliceUrn.optional(),
  policeWithdrawn: z.boolean().optional(),
  policeWithdrawnReason: PoliceWithdrawnReason.optional(),
  ...Retention,
});
export const OrganisationParams = z.object({ id: z.uuid() });

const withdrawalReasonMissing = () =>
  new ArcError('ARC_ERR_VALIDATION', `The request is not valid: policeWithdrawnReason: ${WITHDRAWAL_REASON_REQUIRED}`, [
    { field: 'policeWithdrawnReason', message: WITHDRAWAL_REASON_REQUIRED },
  ]);

/** What the audit keeps of an organisation: its name, police details and retention, not its counts. */
const audited = (o: Organisation) => ({
  name: o.name,
  urn: o.urn,
  policeWithdrawn: o.policeWithdrawn,
  policeWithdrawnReason: o.policeWithdrawnReason,
  locationRetentionDays: o.locationRetentionDays,
  alarmRetentionDays: o.alarmRetentionDays,
  auditRetentionDays: o.auditRetentionDays,
});

export function organisationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  // An organisation manager reads their own organisation; scoped staff those they serve.
  const staff = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');
  const managers = deps.allow('administrator', 'supervisor');

  app.get('/api/organisations', { preHandler: staff }, async (request) => ({
    organisations: await listOrganisations(sql, scopeOf(request)),
  }));

  app.get('/api/organisations/:id', { preHandler: staff }, async (request) => {
    const organisation = await getOrganisation(sql, parseInput(OrganisationParams, request.params).id);
    if (!organisation) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
    return { organisation };
  });

  app.post('/api/organisations', { preHandler: managers }, async (request, reply) => {
    const input = parseInput(NewOrganisation, request.body);
    requireAdministratorFor(request, input);
    const withdrawn = input.policeWithdrawn ?? false;
    const organisation = await inTransaction(sql, async (tx) => {
      const created = await insertOrganisation(tx, {
        name: input.name,
        urn: input.urn ?? null,
        policeWithdrawn: withdrawn,
        policeWithdrawnReason: withdrawn ? input.policeWithdrawnReason! : null,
        ...Object.fromEntries(RETENTION_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f]])),
      });
      if (!created) throw new ArcError('ARC_ERR_ORGANISATION_EXISTS');
      await audit(tx, actorOf(request), 'organisation.created', created.id, audited(created));
      return created;
    });
    return reply.status(201).send({ organisation });
  });

  app.patch('/api/organisations/:id', { preHandler: managers }, async (request) => {
    const { id } = parseInput(OrganisationParams, request.params);
    const input = parseInput(OrganisationUpdate, request.body);
    requireAdministratorFor(request, input);
    const before = await getOrganisation(sql, id);
    if (!before) throw new ArcError('ARC_ERR_ORGANISATION_NOT_FOUND');
    const fields: OrganisationFields = { ...input };
    // Withdrawn after this change needs a reason (given now or kept); a reinstated response keeps
    // no stale reason.
    const withdrawn = input.policeWithdrawn ?? before.policeWithdrawn;
    if (!withdrawn) {
      if (before.policeWithdrawnReason !== null || input.policeWithdrawnReason !== undefined)
        fields.policeWithdrawnReason = null;
    } else if (
      !(input.policeWithdrawnReason === undefined ? before.policeWithdrawnReason : input.policeWithdrawnReason)
    ) {
      throw withdrawalReasonMissing();
    }
    const organisation = await inTransaction(sql, async (tx) => {
      const updated = await updateOrganisation(tx, id, fields);
      if (!updated.ok)
        throw new ArcError(
          updated.reason === 'name_taken' ? 'ARC_ERR_ORGANISATION_EXISTS' : 'ARC_ERR_ORGANISATION_NOT_FOUND',
        );
      await audit(tx, actorOf(request), 'organisation.updated', id, {
        before: audited(before),
        after: audited(updated.organisation),
      });
      return updated.organisation;
    });
    return { organisation };
  });
}
