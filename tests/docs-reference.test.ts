// Docs that stay true (issue 18): the reference pages in docs/ list every error code, HTTP route,
// Socket.IO event, configuration key and test file the code has, and nothing it does not; every
// relative link resolves, to a heading that exists; every repository path the pages name exists;
// and the README shows each command CI runs. Reads files only: it starts no database.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../api/config.js';
import { ErrorCodes } from '../api/errors.js';
import { ROUTE_DOCS } from '../api/routes/route-docs.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const HTTP_API = 'docs/reference/http-api.md';
const LIVE_FEEDS = 'docs/reference/live-feeds.md';
const CONFIGURATION = 'docs/reference/configuration.md';
const TESTING = 'docs/reference/testing.md';
const ENV_EXAMPLE = '.env.example';

/** Directories never searched for files of ours. */
const SKIP_DIRS = new Set(['node_modules', 'data', 'dist', '.git', 'incoming']);

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIP_DIRS.has(entry.name)) continue;
    const relative = dir === '.' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) found.push(...walk(relative, keep));
    else if (keep(relative)) found.push(relative);
  }
  return found.sort();
}

/** The first cell of each table row, inside backticks: `| \`NAME\` | …`. */
function firstCells(markdown: string): string[] {
  return [...markdown.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
}

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
const without = (names: Iterable<string>, others: Iterable<string>) => {
  const exclude = new Set(others);
  return sorted([...names].filter((n) => !exclude.has(n)));
};

describe('the reference lists everything the code has', () => {
  it(`every error code of api/errors.ts is in ${HTTP_API} ("Errors"), and no other`, () => {
    const page = read(HTTP_API);
    const errors = page.slice(page.indexOf('\n## Errors'));
    const documented = firstCells(errors).filter((cell) => cell.startsWith('ARC_ERR_'));
    const codes = Object.keys(ErrorCodes);
    expect(
      without(codes, documented),
      `add a row for each of these error codes to the Errors table of ${HTTP_API}`,
    ).toEqual([]);
    expect(
      without(documented, codes),
      `${HTTP_API} lists error codes api/errors.ts does not have: remove them`,
    ).toEqual([]);
    const statuses = [...errors.matchAll(/^\| `(ARC_ERR_[A-Z_]+)` \| (\d+) \|/gm)]
      .filter((m) => m[1]! in ErrorCodes && ErrorCodes[m[1] as keyof typeof ErrorCodes].status !== Number(m[2]))
      .map(
        (m) => `${m[1]}: ${m[2]} in the docs, ${ErrorCodes[m[1] as keyof typeof ErrorCodes].status} in api/errors.ts`,
      );
    expect(statuses, `correct the status column of the Errors table of ${HTTP_API}`).toEqual([]);
  });

  it(`every route of api/routes/route-docs.ts is in ${HTTP_API}, and no other`, () => {
    // Rows: | METHOD | `/path?query…` | who | what |
    const documented = [...read(HTTP_API).matchAll(/^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`?]+)[^|]*\|/gm)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    const routes = Object.keys(ROUTE_DOCS);
    expect(without(routes, documented), `add a row for each of these routes to a table of ${HTTP_API}`).toEqual([]);
    expect(
      without(documented, routes),
      `${HTTP_API} lists routes that are not registered (api/routes/route-docs.ts): remove or correct them`,
    ).toEqual([]);
  });

  it(`every Socket.IO event of api/live/*-contract.ts is in ${LIVE_FEEDS}, and no other`, () => {
    const contracts = readdirSync(path.join(ROOT, 'api/live')).filter((f) => f.endsWith('-contract.ts'));
    expect(contracts.length).toBeGreaterThanOrEqual(2);
    const events: string[] = [];
    for (const file of contracts) {
      const source = read(`api/live/${file}`);
      // interface OperatorServerEvents { 'alarm:raised': (…) => void; … }
      for (const block of source.matchAll(/interface \w+Events \{([^}]*)\}/g)) {
        for (const name of block[1]!.matchAll(/^\s*'([^']+)'\s*:/gm)) events.push(name[1]!);
      }
    }
    expect(events).toContain('alarm:raised');
    const documented = firstCells(read(LIVE_FEEDS)).filter((cell) => /^[a-z]+:[a-z-]+$/.test(cell));
    expect(
      without(events, documented),
      `add a row for each of these Socket.IO events to a table of ${LIVE_FEEDS}`,
    ).toEqual([]);
    expect(
      without(documented, events),
      `${LIVE_FEEDS} lists events no contract in api/live/*-contract.ts declares: remove them`,
    ).toEqual([]);
  });

  const keys = Object.keys(ConfigSchema.shape).sort();

  it(`every configuration key of api/config.ts is in ${CONFIGURATION}, and no other`, () => {
    const documented = firstCells(read(CONFIGURATION)).filter((cell) => /^[A-Z][A-Z0-9_]+$/.test(cell));
    expect(without(keys, documented), `add a row for each of these keys to the table of ${CONFIGURATION}`).toEqual([]);
    expect(without(documented, keys), `${CONFIGURATION} lists keys api/config.ts does not read: remove them`).toEqual(
      [],
    );
    // A default written as a value (`8080`) must be the schema's; "(unset)" and other words are prose.
    const defaults: Record<string, unknown> = ConfigSchema.parse({});
    const wrong = [...read(CONFIGURATION).matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| `([^`]*)` \|/gm)]
      .filter(
        ([, key, value]) =>
          ['string', 'number', 'boolean'].includes(typeof defaults[key!]) && String(defaults[key!]) !== value,
      )
      .map(([, key, value]) => `${key}: ${value} in the docs, ${String(defaults[key!])} in api/config.ts`);
    expect(wrong, `correct the default column of ${CONFIGURATION}`).toEqual([]);
  });

  it(`every configuration key is in ${ENV_EXAMPLE} (set or commented out), and no other`, () => {
    const listed = [...read(ENV_EXAMPLE).matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    expect(
      without(keys, listed),
      `add a line (KEY=example, or # KEY=example) for each of these keys to ${ENV_EXAMPLE}`,
    ).toEqual([]);
    expect(without(listed, keys), `${ENV_EXAMPLE} lists keys api/config.ts does not read: remove them`).toEqual([]);
  });

  it(`every test file is in ${TESTING}`, () => {
    const testFiles = walk('.', (file) => file.endsWith('.test.ts'));
    expect(testFiles).toContain('tests/docs-reference.test.ts');
    const page = read(TESTING);
    const documented = new Set([...page.matchAll(/`([^`\s]+\.test\.ts)`/g)].map((m) => m[1]!));
    expect(
      without(testFiles, documented),
      `add each of these test files, with what it holds, to the table of ${TESTING}`,
    ).toEqual([]);
  });
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (!heading) continue;
    const base = slug(heading[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

const pages = ['README.md', ...walk('docs', (file) => file.endsWith('.md'))];

describe('README.md and docs/ hold together', () => {
  it('every relative link points to a file that exists, and to a heading of it that exists', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = read(page).replace(/^```[\s\S]*?^```/gm, '');
      const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g), ...text.matchAll(/\bsrc="([^"]+)"/g)].map((m) => m[1]!);
      for (const target of targets) {
        if (/^[a-z]+:/i.test(target)) continue;
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), file));
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${page}: ${target} (no file ${resolved})`);
        } else if (anchor && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) {
          broken.push(`${page}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken, 'fix these links (the file moved, or the heading was renamed)').toEqual([]);
  });

  it('every repository path the pages name in backticks exists', () => {
    const gone: string[] = [];
    for (const page of pages) {
      for (const match of read(page).matchAll(
        /`((?:api|protocol|broker|console|device-sim|tests|bench|scripts|deploy|docs)\/[\w./-]+)`/g,
      )) {
        const named = match[1]!;
        if (named.startsWith('console/dist') || named.startsWith('docs/incoming')) continue;
        if (!existsSync(path.join(ROOT, named))) gone.push(`${page}: ${named}`);
      }
    }
    expect(gone, 'these files were moved or removed: name where they live now').toEqual([]);
  });

  it('the README shows every command .ci/run runs', () => {
    const commands = [...read('.ci/run').matchAll(/^(npm [^\n#]+?)\s*$/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['npm install', 'npm test']));
    const readme = read('README.md');
    const shown = [...readme.matchAll(/^```sh\n([\s\S]*?)^```/gm)].flatMap((m) =>
      m[1]!.split('\n').map((line) => line.replace(/#.*$/, '').trim()),
    );
    expect(without(commands, shown), 'README.md must show, in a ```sh block, each command .ci/run runs').toEqual([]);
  });

  it('the pages it checks exist', () => {
    for (const page of [HTTP_API, LIVE_FEEDS, CONFIGURATION, TESTING])
      expect(statSync(path.join(ROOT, page)).isFile()).toBe(true);
  });
});
