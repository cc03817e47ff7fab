// Shift handover notes: any staff member leaves one; everyone sees those of the last 24 hours
// (the console opens them at log-in).
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { audit } from '../store/audit-log.js';
import { insertHandoverNote, recentHandoverNotes } from '../store/handover-store.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

const HANDOVER_WINDOW_MS = 24 * 3600_000;
export const NewNote = z.object({ text: z.string().trim().min(1).max(2000) });

export function handoverRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const staff = deps.allow('administrator', 'supervisor', 'operator');

  app.get('/api/handover-notes', { preHandler: staff }, async () => ({
    notes: await recentHandoverNotes(deps.sql, new Date(deps.now().getTime() - HANDOVER_WINDOW_MS)),
  }));

  app.post('/api/handover-notes', { preHandler: staff }, async (request, reply) => {
    const { text } = parseInput(NewNote, request.body);
    const user = request.user!;
    const note = await insertHandoverNote(deps.sql, { authorId: user.id, author: user.name, text, at: deps.now() });
    await audit(deps.sql, actorOf(request), 'handover.note_written', note.id, { text });
    return reply.status(201).send({ note });
  });
}
