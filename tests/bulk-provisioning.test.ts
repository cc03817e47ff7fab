// POST /api/devices/bulk (api/handling/bulk-provisioning.ts): numbered devices, with wearers if
// asked, each secret shown once, ids that exist skipped, administrators only, one audit entry.
import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import fastifyCookie from '@fastify/cookie';
import pino from 'pino';
import { loadConfig } from '../api/config.js';
import { ensureAdministrator } from '../api/auth/bootstrap-admin.js';
import { verifySecret } from '../api/auth/secret-hash.js';
import { installErrorHandler } from '../api/routes/error-handler.js';
import { authRoutes } from '../api/routes/auth-routes.js';
import { bulkDeviceRoutes } from '../api/routes/bulk-device-routes.js';
import { createTestDatabase } from './support/test-database.js';
import { routeTestDeps } from './support/route-test-app.js';

describe('POST /api/devices/bulk', () => {
  it('creates numbered devices with wearers, shows each secret once, skips ids that exist, administrators only', async () => {
    const db = await createTestDatabase();
    const app = Fastify();
    try {
      const config = loadConfig({ ARC_ADMIN_EMAIL: 'bulk-admin@test.arc', ARC_ADMIN_PASSWORD: 'bulk-admin-password' });
      await ensureAdministrator(db.sql, config, pino({ level: 'silent' }));
      await app.register(fastifyCookie);
      installErrorHandler(app);
      const deps = routeTestDeps(db.sql, { config });
      authRoutes(app, deps);
      bulkDeviceRoutes(app, deps);
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'bulk-admin@test.arc', password: 'bulk-admin-password' },
      });
      const headers = { authorization: `Bearer ${login.json().token}` };

      const first = await app.inject({
        method: 'POST',
        url: '/api/devices/bulk',
        headers,
        payload: { prefix: 'fleet', count: 3, wearers: true, safePin: '2468', duressPin: '1357' },
      });
      expect(first.statusCode).toBe(201);
      const created = first.json().devices as { id: string; secret: string; wearerId: string }[];
      expect(created.map((d) => d.id)).toEqual(['fleet-00001', 'fleet-00002', 'fleet-00003']);
      const [stored] = await db.sql<
        { secretHash: string; wearerId: string }[]
      >`select secret_hash, wearer_id from devices where id = 'fleet-00002'`;
      expect(await verifySecret(created[1].secret, stored.secretHash)).toBe(true);
      expect(stored.wearerId).toBe(created[1].wearerId);

      const again = await app.inject({
        method: 'POST',
        url: '/api/devices/bulk',
        headers,
        payload: { prefix: 'fleet', count: 4 },
      });
      expect(again.statusCode).toBe(201);
      expect(again.json()).toMatchObject({
        devices: [{ id: 'fleet-00004', wearerId: null }],
        skipped: ['fleet-00001', 'fleet-00002', 'fleet-00003'],
      });
      // One audit entry per call, committed with the devices.
      const audited = await db.sql<{ detail: Record<string, unknown> }[]>`
        select detail from audit_log where action = 'device.bulk_provisioned' and target = 'fleet' order by id`;
      expect(audited.map((a) => a.detail)).toEqual([
        expect.objectContaining({ first: 1, count: 3, created: 3, skipped: 0, wearers: true }),
        expect.objectContaining({ first: 1, count: 4, created: 1, skipped: 3, wearers: false }),
      ]);

      const bad = await app.inject({
        method: 'POST',
        url: '/api/devices/bulk',
        headers,
        payload: { prefix: 'no spaces', count: 0 },
      });
      expect(bad.json().error.code).toBe('ARC_ERR_VALIDATION');
      const anonymous = await app.inject({
        method: 'POST',
        url: '/api/devices/bulk',
        payload: { prefix: 'fleet', count: 1 },
      });
      expect(anonymous.json().error.code).toBe('ARC_ERR_AUTH_REQUIRED');
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
