import { describe, expect, it } from 'vitest';
import { parseCli } from './cli-options.js';

const noEnv = {};

describe('simulator command line', () => {
  it('defaults to one walking device on loopback for 60 s', () => {
    const cli = parseCli([], noEnv);
    expect(cli).toMatchObject({
      ok: true,
      deviceIds: ['sim-0001'],
      flags: {
        mqtt: 'mqtt://127.0.0.1:1883',
        api: 'http://127.0.0.1:8080',
        scenario: 'walk',
        duration: 60,
        fixEvery: 30,
        heartbeat: 60,
        seed: 1,
      },
    });
  });

  it('numbers device ids from the prefix', () => {
    const cli = parseCli(['--devices', '3', '--prefix', 'load'], noEnv);
    expect(cli.ok && cli.deviceIds).toEqual(['load-0001', 'load-0002', 'load-0003']);
  });

  it('takes admin credentials from the environment for --provision', () => {
    const cli = parseCli(['--provision'], {
      ARC_ADMIN_EMAIL: 'admin@example.org',
      ARC_ADMIN_PASSWORD: 'long enough secret',
    });
    expect(cli.ok && cli.flags.email).toBe('admin@example.org');
  });

  it.each([
    { argv: ['--devices', 'many'], says: '--devices: must be a number' },
    { argv: ['--devices', '0'], says: '--devices: Too small' },
    { argv: ['--scenario', 'dance'], says: '--scenario: must be one of walk, sos, discreet-sos, fall, amber' },
    { argv: ['--mqtt', 'http://127.0.0.1:1883'], says: '--mqtt: must be' },
    { argv: ['--amber-duration', '30'], says: '--amber-duration: Too small' },
    { argv: ['--prefix', 'a b'], says: '--prefix: may hold only' },
    { argv: ['--prefix', 'x'.repeat(60)], says: 'not 3 to 64 characters' },
    { argv: ['--provision'], says: '--provision needs ARC_ADMIN_EMAIL' },
    { argv: ['--decommission', '--credentials', 'c.json'], says: '--decommission needs ARC_ADMIN_EMAIL' },
    {
      argv: ['--decommission', '--email', 'a@b.c', '--password', 'p'],
      says: '--decommission needs the --credentials file',
    },
    {
      argv: ['--decommission', '--provision', '--credentials', 'c.json', '--email', 'a@b.c', '--password', 'p'],
      says: 'cannot be used together',
    },
    { argv: ['--frobnicate'], says: "Unknown option '--frobnicate'" },
  ])('refuses $argv', ({ argv, says }) => {
    const cli = parseCli(argv, noEnv);
    expect(cli.ok).toBe(false);
    expect(!cli.ok && !cli.help && cli.message).toContain(says);
  });

  it('takes --decommission with the credentials file and admin credentials', () => {
    const cli = parseCli(['--decommission', '--credentials', 'fleet.json'], {
      ARC_ADMIN_EMAIL: 'admin@example.org',
      ARC_ADMIN_PASSWORD: 'long enough secret',
    });
    expect(cli).toMatchObject({ ok: true, flags: { decommission: true, credentials: 'fleet.json' } });
  });

  it('asks for help', () => {
    expect(parseCli(['--help'], noEnv)).toEqual({ ok: false, help: true });
  });
});
