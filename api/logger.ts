import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs with pino: JSON lines for machines; readable lines when a person watches a
 * terminal (chosen by TTY, not NODE_ENV).
 */
export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
  return pino({
    level,
    base: { service: 'arc' },
    ...(pretty && {
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    }),
  });
}
