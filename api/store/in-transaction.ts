// One transaction for a change and its audit entry (issue 12, item 5): they commit together or
// not at all. Nested calls join the transaction they are in, so a store function that needs a
// transaction of its own can also be part of a route's.
import type { Sql, TransactionSql } from 'postgres';

const isTransaction = (sql: Sql | TransactionSql): sql is TransactionSql =>
  typeof (sql as { savepoint?: unknown }).savepoint === 'function';

/**
 * Runs `work` in a transaction: a new one, or the one `sql` already is. `work` is given the
 * transaction typed as both Sql and TransactionSql, so every store function can be called with it; it
 * must not call `.begin` on it itself (use inTransaction again).
 */
export async function inTransaction<T>(sql: Sql | TransactionSql, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTransaction(sql)) return work(sql as unknown as Tx);
  return (await sql.begin((tx) => work(tx as unknown as Tx))) as T;
}

/** A transaction that store functions typed for either Sql or TransactionSql accept. */
export type Tx = Sql & TransactionSql;
