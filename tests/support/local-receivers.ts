// Local stand-ins for the outside world the ARC notifies (STYLE: mock only what is outside the
// system): an HTTP server for webhook endpoints and the SMS gateway, an SMTP server for mail.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface SeenRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers by path: /fail-twice fails its first two requests, /always-503 always, /hang never. */
export async function startHttpReceiver() {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(request);
      const earlier = seen.filter((s) => s.path === request.path).length;
      if (request.path === '/hang') return;
      if (request.path === '/always-503') return void res.writeHead(503).end('busy');
      if (request.path === '/fail-twice' && earlier <= 2) return void res.writeHead(500).end('oops');
      // A Nominatim-compatible reverse geocoder (ARC_GEOCODER_URL).
      if (request.path.startsWith('/geo/reverse?')) {
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"display_name":"12 Lord Street, Southport, PR8 1QJ"}');
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startSmtpReceiver() {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    // Its built-in certificate is self-signed; a plain local session is all the test needs.
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
