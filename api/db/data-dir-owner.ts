// One ARC process owns an embedded PostgreSQL data directory at a time (issue 10). A second start
// on the same directory (a mistaken double start, a process manager restarting too early) must
// not stop the database of the ARC that is running and serving devices: it finds the owner alive
// and refuses to start. Only when the owner is really gone (a crash, kill -9) does the next start
// take over, and then it may stop the PostgreSQL that owner left running.
import { readFileSync } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

export const OWNER_FILE = 'arc-owner.json';

interface OwnerRecord {
  pid: number;
  /** When the process started (Linux /proc, clock ticks since boot): a reused pid is not the owner. */
  startTicks: string | null;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly ownerPid: number,
    readonly dataDir: string,
  ) {
    super(
      `Another ARC (process ${ownerPid}) is running on the data directory ${dataDir} and owns its PostgreSQL. ` +
        'This start is refused so that the running ARC keeps serving. Stop that process first, ' +
        'or give this one another ARC_DATA_DIR.',
    );
  }
}

export interface DataDirClaim {
  release(): Promise<void>;
}

/** Claims the data directory for this process; throws DataDirInUseError when a live ARC owns it. */
export async function claimDataDir(root: string): Promise<DataDirClaim> {
  const file = path.join(root, OWNER_FILE);
  const mine: OwnerRecord = { pid: process.pid, startTicks: processStartTicks(process.pid) };
  // Two attempts: the second after removing the record of an owner that is gone. Creating with
  // 'wx' is atomic, so of two starts racing for a stale directory only one wins.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx', 0o644);
      await handle.writeFile(JSON.stringify(mine) + '\n');
      await handle.close();
      return {
        async release() {
          const current = await readOwner(file);
          if (current?.pid === mine.pid) await unlink(file).catch(() => {});
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(file);
    if (owner && owner.pid !== process.pid && isAlive(owner))
      throw new DataDirInUseError(owner.pid, path.resolve(root));
    await unlink(file).catch(() => {});
  }
  const owner = await readOwner(file);
  throw new DataDirInUseError(owner?.pid ?? 0, path.resolve(root));
}

async function readOwner(file: string): Promise<OwnerRecord | null> {
  try {
    const record = JSON.parse(await readFile(file, 'utf8')) as OwnerRecord;
    return Number.isInteger(record.pid) && record.pid > 0 ? record : null;
  } catch {
    return null;
  }
}

function isAlive(owner: OwnerRecord): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    // EPERM: it exists, as another user's process.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Where /proc tells when a process started, a pid reused since (after a reboot) is not the owner.
  const ticks = processStartTicks(owner.pid);
  return owner.startTicks === null || ticks === null || ticks === owner.startTicks;
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function processStartTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}
