// Run by `npm install` (postinstall): mends a known crash in the `postgres` driver, 3.4.x.
//
// Its connection defers small writes behind a setImmediate, and when a connection closes it
// cancels that timer without forgetting it or the bytes waiting. The deferred write can then run
// with no socket ("Cannot read properties of null (reading 'write')", thrown from a timer, so no
// caller can catch it and the whole ARC exits), and a connection left holding the stale timer
// never flushes again. The ARC's PostgreSQL-outage benchmark hit it: the ARC died when its
// database stopped. Upstream: porsager/postgres issues #1066, #1154, #1208 (open, unreleased in
// 3.4.10). The mend: a closed connection forgets its timer and its waiting bytes, and a write
// with no socket fails the queries waiting on it with CONNECTION_CLOSED, as a closed connection
// does, instead of throwing. tests/postgres-driver-patch.test.ts checks it is in place.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MARKER = '/* arc: closed connections forget their deferred write */';

const edits = [
  [
    '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    `  function nextWrite(fn) {\n    ${MARKER}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // terminate() and closed(): cancel the deferred write and forget it and its bytes.
  [
    '    clearImmediate(nextWriteTimer)\n    if (socket) {',
    '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {',
  ],
  [
    '    incomings = null\n    clearImmediate(nextWriteTimer)\n',
    '    incomings = null\n    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n',
  ],
];

export function patchedFiles() {
  return ['src/connection.js', 'cjs/src/connection.js'].map((file) =>
    path.join(ROOT, 'node_modules', 'postgres', file),
  );
}

/** Patches each build of the driver once; a driver already mended is left alone. */
export function patchDriver() {
  for (const file of patchedFiles()) {
    if (!existsSync(file)) continue;
    let text = readFileSync(file, 'utf8');
    if (text.includes(MARKER)) continue;
    for (const [from, to] of edits) {
      if (!text.includes(from)) {
        // Another version of the driver: say so loudly; the test fails until this script follows it.
        console.warn(`patch-postgres-driver: ${file} is not the expected postgres 3.4 code; not patched`);
        return;
      }
      text = text.replace(from, to);
    }
    writeFileSync(file, text);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) patchDriver();
