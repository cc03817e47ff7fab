// Login attempts per bucket, counted atomically in PostgreSQL before the password is checked.
// The rule is loginWaitMs (auth/login-throttle.ts), written again here as SQL so that the check
// and the count are one statement: concurrent attempts queue on the row and each sees the last.
import type { Sql, TransactionSql } from 'postgres';
import { FORGIVE_AFTER_MS, MAX_DOUBLINGS, loginWaitMs, type ThrottleRule } from '../auth/login-throttle.js';

/** Counts an attempt if the bucket allows one now; else says how long to wait (nothing is counted). */
export async function reserveLoginAttempt(sql: Sql, key: string, rule: ThrottleRule, now: Date): Promise<number> {
  const forgiven = new Date(now.getTime() - FORGIVE_AFTER_MS);
  const [counted] = await sql`
    insert into login_throttle as t (key, attempts, last_at) values (${key}, 1, ${now})
    on conflict (key) do update set
      attempts = case when t.last_at <= ${forgiven} then 1 else t.attempts + 1 end,
      last_at = greatest(t.last_at, ${now})
    where t.last_at <= ${forgiven}
       or t.attempts < ${rule.free}
       or t.last_at + least(${rule.maxWaitMs}::bigint, 1000 * power(2, least(${MAX_DOUBLINGS}, t.attempts - ${rule.free}))::bigint)
                      * interval '1 millisecond' <= ${now}
    returning attempts`;
  if (counted) return 0;
  const [row] = await sql<
    { attempts: number; lastAt: Date }[]
  >`select attempts, last_at from login_throttle where key = ${key}`;
  // Never 0 here: the row refused this attempt a moment ago.
  return row ? Math.max(1000, loginWaitMs(row.attempts, row.lastAt, now, rule)) : 1000;
}

/** A correct password: the account's buckets start again. */
export async function clearLoginAttempts(sql: Sql, keys: string[]): Promise<void> {
  await sql`delete from login_throttle where key = any(${keys})`;
}

/** A correct password from an address: this attempt is given back to the address's bucket. */
export async function refundLoginAttempt(sql: Sql, key: string): Promise<void> {
  await sql`update login_throttle set attempts = greatest(0, attempts - 1) where key = ${key}`;
}

export async function isKnownAddress(sql: Sql, userId: string, address: string): Promise<boolean> {
  return (await sql`select 1 from login_known_addresses where user_id = ${userId} and address = ${address}`).length > 0;
}

export async function rememberAddress(sql: Sql, userId: string, address: string, at: Date): Promise<void> {
  await sql`
    insert into login_known_addresses (user_id, address, last_login_at) values (${userId}, ${address}, ${at})
    on conflict (user_id, address) do update set last_login_at = excluded.last_login_at`;
}

/** An administrator set a new password: the guesses at the old one no longer matter. */
export async function clearAccountAttempts(sql: Sql | TransactionSql, email: string): Promise<void> {
  await sql`delete from login_throttle where key = ${accountKey(email)} or key like ${accountKey(email).replace(/[\\%_]/g, '\\$&') + '|%'}`;
}

export const accountKey = (email: string) => `account:${email.toLowerCase()}`;
export const knownAddressKey = (email: string, address: string) => `${accountKey(email)}|${address}`;
export const addressKey = (address: string) => `address:${address}`;
