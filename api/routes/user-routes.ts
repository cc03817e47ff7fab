// Accounts: administrators create staff and carer accounts. Passwords are stored only as hashes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ArcError } from '../errors.js';
import { hashSecret } from '../auth/secret-hash.js';
import { audit } from '../store/audit-log.js';
import { Role, insertUser, listUsers } from '../store/user-store.js';
import { parseInput } from './parse-input.js';
import { actorOf } from './request-user.js';
import type { RouteDeps } from './route-deps.js';

const NewUser = z.object({
  email: z.email(),
  name: z.string().trim().min(1).max(200),
  role: z.enum(Object.values(Role) as [Role, ...Role[]]),
  password: z.string().min(12, 'a password is at least 12 characters').max(1024),
});

export function userRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const admin = deps.allow('administrator');

  app.get('/api/users', { preHandler: deps.allow('administrator', 'supervisor') }, async () => ({ users: await listUsers(deps.sql) }));

  app.post('/api/users', { preHandler: admin }, async (request, reply) => {
    const { password, ...input } = parseInput(NewUser, request.body);
    const user = await insertUser(deps.sql, { ...input, passwordHash: await hashSecret(password) });
    if (!user) throw new ArcError('ARC_ERR_USER_EXISTS');
    await audit(deps.sql, actorOf(request), 'user.created', user.id, { email: user.email, role: user.role });
    return reply.status(201).send({ user });
  });
}
