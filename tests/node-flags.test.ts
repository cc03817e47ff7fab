// The ARC's node flags live in three places: `npm start`, the Dockerfile and the bench (which
// runs the ARC as users do). A flag changed in one and not the others would make the benchmarks
// measure a process nobody runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ARC_NODE_FLAGS } from '../bench/arc-process.js';

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

describe('the node flags the ARC runs with', () => {
  it('are the same for npm start, the Dockerfile and the bench', () => {
    const start = JSON.parse(read('package.json')).scripts.start as string;
    expect(start).toBe(`exec node ${ARC_NODE_FLAGS.join(' ')} --import tsx api/main.ts`);
    const cmd = read('Dockerfile')
      .split('\n')
      .find((line) => line.startsWith('CMD ['))!;
    expect(JSON.parse(cmd.slice('CMD '.length))).toEqual(['node', ...ARC_NODE_FLAGS, '--import', 'tsx', 'api/main.ts']);
  });
});
