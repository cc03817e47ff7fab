// Nothing has a default password: the first administrator comes from ARC_ADMIN_EMAIL and
// ARC_ADMIN_PASSWORD, or gets a generated password printed once in the log.
import type { Sql } from 'postgres';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { countUsers, insertUser } from '../store/user-store.js';
import { audit } from '../store/audit-log.js';
import { SYSTEM_ACTOR } from '../domain/actor.js';
import { generateSecret, hashSecret } from './secret-hash.js';

export async function ensureAdministrator(sql: Sql, config: Config, logger: Logger): Promise<void> {
  if ((await countUsers(sql, 'administrator')) > 0) return;
  const email = config.ARC_ADMIN_EMAIL ?? 'admin@arc.local';
  const password = config.ARC_ADMIN_PASSWORD ?? generateSecret(18);
  const user = await insertUser(sql, {
    email,
    name: 'Administrator',
    role: 'administrator',
    passwordHash: await hashSecret(password),
  });
  if (!user) {
    // Two cluster nodes starting together on an empty database: the other one created it first.
    if ((await countUsers(sql, 'administrator')) > 0) return;
    throw new Error(`cannot create the first administrator: ${email} is already a user of another role`);
  }
  await audit(sql, SYSTEM_ACTOR, 'user.created', user.id, { email, role: 'administrator', bootstrap: true });
  if (config.ARC_ADMIN_PASSWORD) logger.info({ email }, 'first administrator created from ARC_ADMIN_EMAIL');
  else
    logger.warn(
      { email, password },
      'first administrator created with a generated password: it is shown only this once, note it now',
    );
}
