// Response plans per wearer (their own, or their profile's default) and the police details the
// police step needs: the URN exactly as the force issued it, and whether police response has
// been withdrawn (and why). Supervisors and administrators change them; operators read them.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { DEFAULT_PLANS, ResponsePlan } from '../rules/response-plan.js';
import { audit } from '../store/audit-log.js';
import { getPolice, getResponseContext, setPolice, setWearerPlan } from '../store/response-plan-store.js';
import { parseInput } from './parse-input.js';
import { PoliceInput } from './police-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';
import { inTransaction } from '../store/in-transaction.js';

export const WearerParams = z.object({ id: z.uuid() });

const contactsText = (n: number) => (n === 1 ? '1 contact' : `${n} contacts`);

export function responsePlanRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  // Organisation managers too, for their own organisation's wearers (api/routes/tenant-scope.ts).
  const staff = deps.allow('administrator', 'supervisor', 'operator', 'organisation_manager');
  const managers = deps.allow('administrator', 'supervisor', 'organisation_manager');

  const effectivePlan = async (id: string) => {
    const context = await getResponseContext(sql, id);
    if (!context) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    return {
      plan: context.plan,
      isDefault: context.isDefault,
      planSource: context.planSource,
      profile: context.wearer.profile,
      warnings: context.warnings,
    };
  };

  app.get('/api/response-plans/defaults', { preHandler: staff }, async () => ({ defaults: DEFAULT_PLANS }));

  app.get('/api/wearers/:id/response-plan', { preHandler: staff }, async (request) =>
    effectivePlan(parseInput(WearerParams, request.params).id),
  );

  app.put('/api/wearers/:id/response-plan', { preHandler: managers }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    const plan = parseInput(ResponsePlan, request.body);
    await inTransaction(sql, async (tx) => {
      const change = await setWearerPlan(tx, id, plan);
      if (!change) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      if (!change.ok) {
        const details = change.missing.map((m) => ({
          field: `steps.${m.step - 1}.contactPosition`,
          message: `step ${m.step} names contact ${m.contactPosition}, but the wearer has ${contactsText(change.contactCount)}`,
        }));
        throw new ArcError(
          'ARC_ERR_VALIDATION',
          `The request is not valid: ${details.map((d) => d.message).join('; ')}`,
          details,
        );
      }
      await audit(tx, actorOf(request), 'response_plan.set', id, { plan });
    });
    return effectivePlan(id);
  });

  app.delete('/api/wearers/:id/response-plan', { preHandler: managers }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    await inTransaction(sql, async (tx) => {
      if (!(await setWearerPlan(tx, id, null))) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      await audit(tx, actorOf(request), 'response_plan.reset', id);
    });
    return effectivePlan(id);
  });

  // The wearer's own details, the details in force (their own URN, else their organisation's) and
  // the organisation they come from.
  app.get('/api/wearers/:id/police', { preHandler: staff }, async (request) => {
    const police = await getPolice(sql, parseInput(WearerParams, request.params).id);
    if (!police) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    return { police };
  });

  app.put('/api/wearers/:id/police', { preHandler: managers }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    const input = parseInput(PoliceInput, request.body);
    const before = await getPolice(sql, id);
    if (!before) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
    const { urn, policeWithdrawn, policeWithdrawnReason } = before;
    await inTransaction(sql, async (tx) => {
      const police = await setPolice(tx, id, {
        urn: input.urn,
        policeWithdrawn: input.policeWithdrawn,
        // A reinstated response keeps no stale reason.
        policeWithdrawnReason: input.policeWithdrawn ? input.policeWithdrawnReason! : null,
      });
      if (!police) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      await audit(tx, actorOf(request), 'wearer.police_updated', id, {
        before: { urn, policeWithdrawn, policeWithdrawnReason },
        after: police,
      });
    });
    return { police: (await getPolice(sql, id))! };
  });
}
