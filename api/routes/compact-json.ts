// The consoles' large snapshots (GET /api/alarms?form=rows, GET /api/devices?form=rows): thousands
// of rows of much the same words compress about tenfold. Compressed off the event loop (the libuv
// pool), only for a browser that says it takes gzip (every one does).
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

const gzipAsync = promisify(gzip);
/** Below this an answer goes as it is: compressing a few rows saves nothing worth the work. */
const GZIP_FROM_BYTES = 32 * 1024;

export async function sendCompactJson(
  request: FastifyRequest,
  reply: FastifyReply,
  value: unknown,
): Promise<FastifyReply> {
  const json = JSON.stringify(value);
  reply.header('vary', 'accept-encoding').type('application/json; charset=utf-8');
  if (json.length < GZIP_FROM_BYTES || !/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')))
    return reply.send(json);
  return reply.header('content-encoding', 'gzip').send(await gzipAsync(json, { level: 4 }));
}
