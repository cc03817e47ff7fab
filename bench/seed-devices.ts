// `npm run bench:seed -- --count 10000`: builds (once) the seeded data directory the benchmarks
// copy for each scenario. Running it again with a count the cache already covers does nothing.
import { parseArgs } from 'node:util';
import { DEFAULT_CACHE_DIR, ensureSeededTemplate } from './seeded-data-dir.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    prefix: { type: 'string', default: 'bench' },
    cache: { type: 'string', default: DEFAULT_CACHE_DIR },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench:seed -- [--count 10000] [--prefix bench] [--cache ${DEFAULT_CACHE_DIR}]`);
  process.exit(0);
}
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1) {
  console.error('--count must be a positive whole number');
  process.exit(2);
}
const template = await ensureSeededTemplate({
  count,
  prefix: values.prefix,
  cacheDir: values.cache,
  log: (line) => console.error(line),
});
console.log(
  JSON.stringify({
    dataDir: template.dataDir,
    devices: template.seed.count,
    prefix: template.seed.prefix,
    createdAt: template.seed.createdAt,
  }),
);
