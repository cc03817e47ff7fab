// The device protocol in docs/ is what hardware and app makers read in this repository; it must be
// the project's spec, word for word, and name every command type the ARC can send.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandType } from '../protocol/device-payloads.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const doc = readFileSync(path.join(ROOT, 'docs', 'device-protocol.md'), 'utf8');
const spec = path.join(ROOT, '..', 'shared', 'spec', 'device-protocol.md');

describe('docs/device-protocol.md', () => {
  it.runIf(existsSync(spec))('is the steering spec, word for word (after its two-line header)', () => {
    expect(doc.split('\n').slice(3).join('\n')).toBe(readFileSync(spec, 'utf8'));
  });

  it('names every command type the ARC can send', () => {
    for (const type of CommandType.options) expect(doc).toContain(`\`${type}\``);
  });
});
