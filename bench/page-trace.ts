// A Chromium performance trace of the console page (the same record as DevTools' Performance
// panel), summed up for its long tasks: what the browser did inside each one (style, layout,
// paint, script, collections), which the JS CPU profile cannot say (it shows all of that as
// "(program)"). Written as a .json: open it in DevTools' Performance panel.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** DevTools' own set, less screenshots and JS samples: enough to name the work in a task. */
const CATEGORIES = [
  '-*',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8',
  'blink.user_timing',
];

/** A task at least this long is summed up (the target is 100 ms; these are the ones near it). */
const LONG_TASK_MS = 50;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event: less than `dur` when the thread waited for a core. */
  tdur?: number;
  args?: {
    name?: string;
    data?: { functionName?: string; url?: string; lineNumber?: number; columnNumber?: number; type?: string };
  };
}

export async function startPageTrace(browser: Browser, page: Page) {
  await browser.startTracing(page, { categories: CATEGORIES });
  return {
    async stop(dir: string): Promise<string[]> {
      const buffer = await browser.stopTracing();
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `console-storm-${new Date().toISOString().replace(/[:.]/g, '-')}.trace.json`);
      await writeFile(file, buffer);
      const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
      const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
      return [`  console: page trace ${file}`, ...summariseLongTasks(events)];
    },
  };
}

/**
 * The renderer's main thread cut into its tasks; for each task over LONG_TASK_MS, the self time of
 * every kind of event inside it (an event's time less its children's), summed over those tasks.
 */
export function summariseLongTasks(events: TraceEvent[]): string[] {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return ['    no renderer main thread in the trace'];
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // The outermost tasks only: a task may run another inside it.
  const tasks: TraceEvent[] = [];
  for (const e of onMain) {
    if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
    const previous = tasks[tasks.length - 1];
    if (!previous || e.ts >= previous.ts + previous.dur!) tasks.push(e);
  }
  const long = tasks.filter((t) => t.dur! >= LONG_TASK_MS * 1000);
  const selfByName = new Map<string, number>();
  const lines: string[] = [];
  for (const task of long) {
    const inside = onMain.filter((e) => e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!);
    const self = selfTimes(inside);
    const mine = new Map<string, number>();
    for (const [name, us] of self) {
      selfByName.set(name, (selfByName.get(name) ?? 0) + us);
      mine.set(name, (mine.get(name) ?? 0) + us);
    }
    const outer = inside.slice(1).find((e) => !e.name.includes('RunTask'));
    const first = outer ? labelOf(outer) : '(nothing traced inside)';
    const top = [...mine]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([name, us]) => `${name} ${(us / 1000).toFixed(0)}`)
      .join(', ');
    const cpu = task.tdur === undefined ? '' : `, ${(task.tdur / 1000).toFixed(0)} ms on a core`;
    lines.push(`    task ${(task.dur! / 1000).toFixed(0)} ms${cpu} (${first}): ${top}`);
  }
  const total = long.reduce((sum, t) => sum + t.dur!, 0);
  const top = [...selfByName].sort((a, b) => b[1] - a[1]).slice(0, 12);
  return [
    `    ${tasks.length} tasks on the main thread, ${long.length} of ${LONG_TASK_MS} ms or more (${(total / 1000).toFixed(0)} ms); self time inside them:`,
    ...top.map(([name, us]) => `    ${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`),
    ...lines,
  ];
}

/** Self time per event label, for events given in start order (nesting by time, as the trace nests them). */
function selfTimes(events: TraceEvent[]): Map<string, number> {
  const self = new Map<string, number>();
  const stack: { end: number; label: string; childTime: number; dur: number }[] = [];
  const close = (until: number) => {
    while (stack.length > 0 && stack[stack.length - 1].end <= until) {
      const done = stack.pop()!;
      self.set(done.label, (self.get(done.label) ?? 0) + done.dur - done.childTime);
    }
  };
  for (const event of events) {
    close(event.ts);
    if (stack.length > 0) stack[stack.length - 1].childTime += event.dur!;
    stack.push({ end: event.ts + event.dur!, label: labelOf(event), childTime: 0, dur: event.dur! });
  }
  close(Number.POSITIVE_INFINITY);
  return self;
}

function labelOf(event: TraceEvent): string {
  const data = event.args?.data;
  if (event.name === 'FunctionCall' && data)
    return `FunctionCall ${data.functionName || '(anonymous)'} ${data.url?.split('/').pop() ?? ''}:${data.lineNumber ?? ''}:${data.columnNumber ?? ''}`;
  if (event.name === 'EventDispatch' && data?.type) return `EventDispatch ${data.type}`;
  return event.name;
}
