// Subject access and erasure (docs/reference/data-protection.md, "Subject access"), administrators only, both audited.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { audit } from '../store/audit-log.js';
import { inTransaction } from '../store/in-transaction.js';
import { eraseWearer, exportWearer } from '../store/subject-access-store.js';
import { subjectAccessText } from '../rules/subject-access-text.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

const WearerParams = z.object({ id: z.uuid() });
export const ExportQuery = z.object({ format: z.enum(['json', 'text']).default('json') });
/** The wearer's name typed again: an erasure cannot be undone. */
export const EraseInput = z.object({ confirmName: z.string().min(1).max(200) });

export function subjectAccessRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { sql } = deps;
  const admin = deps.allow('administrator');

  // The organisation manager answers subject access requests for their own organisation's wearers.
  app.get(
    '/api/wearers/:id/export',
    { preHandler: deps.allow('administrator', 'organisation_manager') },
    async (request, reply) => {
      const { id } = parseInput(WearerParams, request.params);
      const { format } = parseInput(ExportQuery, request.query);
      const data = await exportWearer(sql, id, deps.now());
      if (!data) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      await audit(sql, actorOf(request), 'wearer.exported', id, {
        format,
        positions: data.positions.length,
        alarms: data.alarms.length,
      });
      const day = data.exportedAt.slice(0, 10);
      reply.header(
        'content-disposition',
        `attachment; filename="wearer-${id}-${day}.${format === 'json' ? 'json' : 'txt'}"`,
      );
      if (format === 'text') return reply.type('text/plain; charset=utf-8').send(subjectAccessText(data as never));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
    },
  );

  app.post('/api/wearers/:id/erase', { preHandler: admin }, async (request) => {
    const { id } = parseInput(WearerParams, request.params);
    const { confirmName } = parseInput(EraseInput, request.body);
    const result = await inTransaction(sql, async (tx) => {
      const [wearer] = await tx<{ name: string; profile: string; organisationId: string | null }[]>`
        select name, profile, organisation_id from wearers where id = ${id}`;
      if (!wearer) throw new ArcError('ARC_ERR_WEARER_NOT_FOUND');
      if (wearer.name.trim() !== confirmName.trim()) {
        throw new ArcError(
          'ARC_ERR_VALIDATION',
          'The request is not valid: confirmName: type the wearer’s name to erase them',
          [{ field: 'confirmName', message: 'must be the wearer’s name' }],
        );
      }
      const erased = await eraseWearer(tx, id);
      if (!erased.ok)
        throw new ArcError(erased.reason === 'open_alarm' ? 'ARC_ERR_WEARER_OPEN_ALARM' : 'ARC_ERR_WEARER_NOT_FOUND');
      // The entry says what was done, never who it was: the name is what was erased.
      await audit(tx, actorOf(request), 'wearer.erased', id, {
        profile: wearer.profile,
        organisationId: wearer.organisationId,
        alarmsAnonymised: erased.alarmsAnonymised,
        positionsDeleted: erased.positionsDeleted,
        devicesReleased: erased.devicesReleased,
      });
      return erased;
    });
    deps.zonesChanged?.();
    return {
      erased: {
        id,
        alarmsAnonymised: result.alarmsAnonymised,
        positionsDeleted: result.positionsDeleted,
        devicesReleased: result.devicesReleased,
      },
    };
  });
}
