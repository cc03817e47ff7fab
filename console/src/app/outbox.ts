// What the app has to send, kept on the phone (IndexedDB) until the ARC has acknowledged it
// (PUBACK = stored): an SOS pressed without a connection, or just before the app was closed, is
// sent when the connection is back, with its original `id`, so the ARC takes it once however
// often it is sent (spec: "A device that cannot publish keeps events and resends them with the
// same `id` once it can").
export interface OutboxItem {
  /** The event's id, or a fix's own key. */
  key: string;
  channel: 'events' | 'location';
  payload: Record<string, unknown>;
  /** Order of sending: the order of pressing. */
  seq: number;
}

export interface Outbox {
  add(item: Omit<OutboxItem, 'seq'>): Promise<void>;
  all(): Promise<OutboxItem[]>;
  remove(key: string): Promise<void>;
}

const DB_NAME = 'arcangel-app';
const STORE = 'outbox';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export async function openOutbox(): Promise<Outbox> {
  const open = indexedDB.open(DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'key' });
  const db = await request(open);
  const store = (mode: IDBTransactionMode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    async add(item) {
      await request(store('readwrite').put({ ...item, seq: Date.now() + Math.random() }));
    },
    async all() {
      const items = await request(store('readonly').getAll() as IDBRequest<OutboxItem[]>);
      return items.sort((a, b) => a.seq - b.seq);
    },
    async remove(key) {
      await request(store('readwrite').delete(key));
    },
  };
}
