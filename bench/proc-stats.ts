// What Linux says about a process: memory from /proc/<pid>/status, CPU time from /proc/<pid>/stat.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let clockTicks: number | undefined;
/** USER_HZ: the unit of utime and stime in /proc/<pid>/stat (100 almost everywhere). */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface MemoryStatus {
  /** Resident now, bytes. */
  rss: number;
  /** Peak resident ("high water mark"), bytes. */
  hwm: number;
}

export function memoryOf(pid: number): MemoryStatus | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
  } catch {
    return null;
  }
}

interface StatFields {
  cpuSeconds: number;
  pgrp: number;
  ppid: number;
}

function statOf(pid: number): StatFields | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14, stime 15; ppid 4, pgrp 5.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { cpuSeconds: ticks / ticksPerSecond(), ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) the process has used so far; null once it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  return statOf(pid)?.cpuSeconds ?? null;
}

/** The process and its direct children: PostgreSQL's backends each call setsid(), so not a group. */
export function processTree(rootPid: number): number[] {
  const pids = [rootPid];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = statOf(Number(name));
    if (stat && stat.ppid === rootPid) pids.push(Number(name));
  }
  return pids;
}

/**
 * CPU seconds of a process and its live children: the embedded PostgreSQL and its backends.
 * Backends that exited are not counted, so expect a small undercount over a window.
 */
export function treeCpuSeconds(rootPid: number): number {
  return processTree(rootPid).reduce((total, pid) => total + (statOf(pid)?.cpuSeconds ?? 0), 0);
}

/** Signals a process and its direct children (SIGSTOP/SIGCONT of a whole PostgreSQL). */
export function signalTree(rootPid: number, signal: NodeJS.Signals): void {
  for (const pid of processTree(rootPid)) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * CPU seconds used so far by every running process whose command name starts with `prefix`
 * (Chromium's browser, renderer, GPU and utility processes all show as "chromium" or "chrome").
 * A process that exits takes its seconds with it, so a short window undercounts a little.
 */
export function cpuSecondsOfCommand(prefix: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith(prefix)) continue;
      total += statOf(Number(entry))?.cpuSeconds ?? 0;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Samples a process's CPU use between calls, as a share of one core. */
export class CpuMeter {
  #last: { at: number; cpu: number } | null = null;
  constructor(readonly read: () => number | null) {}

  /** Share of one core since the previous call (1 = one core busy); null on the first call. */
  sample(): number | null {
    const cpu = this.read();
    const at = performance.now();
    if (cpu === null) return null;
    const previous = this.#last;
    this.#last = { at, cpu };
    if (!previous) return null;
    return (cpu - previous.cpu) / ((at - previous.at) / 1000);
  }
}

export function loadAverage(): number[] {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}
