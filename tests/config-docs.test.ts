// One place for configuration (api/config.ts), documented key by key: every key the ARC reads
// must be in README's Configuration table and in .env.example, and neither may list a key the
// ARC does not read (docs that stay true).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../api/config.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const keys = Object.keys(ConfigSchema.shape).sort();
const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const configurationTable = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');

describe('configuration keys', () => {
  it('each is in the README Configuration table, and the table holds no other', () => {
    const documented = [...configurationTable.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(keys);
  });

  it('each is in .env.example (set or commented out), and it holds no other', () => {
    const listed = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(keys);
  });
});
