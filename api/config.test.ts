import { describe, expect, it } from 'vitest';
import { ConfigError, deviceMqttUrl, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has defaults for everything but secrets', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      ARC_HTTP_PORT: 8080,
      ARC_MQTT_PORT: 1883,
      ARC_DATA_DIR: './data',
      ARC_COOKIE_SECURE: false,
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.ARC_ADMIN_PASSWORD).toBeUndefined();
  });

  it.each([
    [{ ARC_HTTP_PORT: 'eighty' }, 'ARC_HTTP_PORT'],
    [{ ARC_MQTT_PORT: '70000' }, 'ARC_MQTT_PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ ARC_ADMIN_EMAIL: 'admin@x.org', ARC_ADMIN_PASSWORD: 'short' }, 'ARC_ADMIN_PASSWORD'],
    [{ ARC_ADMIN_EMAIL: 'admin@x.org' }, 'ARC_ADMIN_PASSWORD'],
    [{ ARC_ADMIN_EMAIL: 'admin@x.org', ARC_ADMIN_PASSWORD: 'password1234' }, 'ARC_ADMIN_PASSWORD'],
    [{ ARC_TLS_CERT_FILE: '/x.pem' }, 'ARC_TLS_KEY_FILE'],
    [{ ARC_LOG_LEVEL: 'loud' }, 'ARC_LOG_LEVEL'],
    [{ ARC_COOKIE_SECURE: 'maybe' }, 'ARC_COOKIE_SECURE'],
    [{ ARC_DEVICE_MQTT_URL: 'https://arc.example.org' }, 'ARC_DEVICE_MQTT_URL'],
    [{ ARC_DEVICE_MQTT_URL: 'arc.example.org:8883' }, 'ARC_DEVICE_MQTT_URL'],
    [{ ARC_INSIGHT_TIME_ZONE: 'Europe/Nowhere' }, 'ARC_INSIGHT_TIME_ZONE'],
    [{ ARC_INSIGHT_NIGHT_HOURS: '22:00-06:00' }, 'ARC_INSIGHT_NIGHT_HOURS'],
    [{ ARC_INSIGHT_NIGHT_HOURS: '22-22' }, 'ARC_INSIGHT_NIGHT_HOURS'],
    [{ ARC_ALLOWED_ORIGINS: 'arc.example.org' }, 'ARC_ALLOWED_ORIGINS'],
    [{ ARC_ALLOWED_ORIGINS: 'https://arc.example.org/console' }, 'ARC_ALLOWED_ORIGINS'],
    [{ ARC_CONNECT_TIMEOUT_MS: '5' }, 'ARC_CONNECT_TIMEOUT_MS'],
    [{ ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' }, 'ARC_HTTP_MAX_CONNECTIONS_PER_ADDRESS'],
    [{ ARC_REDIS_URL: 'http://redis:6379', DATABASE_URL: 'postgres://db/arc' }, 'ARC_REDIS_URL'],
    // Cluster nodes share one PostgreSQL: the embedded one belongs to a single process.
    [{ ARC_REDIS_URL: 'redis://redis:6379' }, 'DATABASE_URL'],
  ])('%j names %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('reads the insight night hours, wrapping midnight', () => {
    expect(loadConfig({}).ARC_INSIGHT_NIGHT_HOURS).toEqual({ from: 22, to: 6 });
    expect(loadConfig({ ARC_INSIGHT_NIGHT_HOURS: '23-05' }).ARC_INSIGHT_NIGHT_HOURS).toEqual({ from: 23, to: 5 });
    expect(loadConfig({}).ARC_INSIGHT_TIME_ZONE).toBe('Europe/London');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('is one process without ARC_REDIS_URL, a cluster node with it', () => {
    expect(loadConfig({}).ARC_REDIS_URL).toBeUndefined();
    expect(loadConfig({ ARC_REDIS_URL: 'redis://redis:6379/0', DATABASE_URL: 'postgres://db/arc' }).ARC_REDIS_URL).toBe(
      'redis://redis:6379/0',
    );
  });
});

describe('ARC_ACCEPT_DEADLINES', () => {
  it('defaults to BS 8484 for the highest priority', () => {
    expect(loadConfig({}).ARC_ACCEPT_DEADLINES[1]).toEqual({ overdueS: 10, supervisorsS: 40 });
  });
  it.each(['1:10/40', '1:10/5,2:1/2,3:1/2,4:1/2,5:1/2', 'soon'])('refuses %s', (value) => {
    expect(() => loadConfig({ ARC_ACCEPT_DEADLINES: value })).toThrow('ARC_ACCEPT_DEADLINES');
  });
});

describe('deviceMqttUrl: where devices are told to connect', () => {
  const TLS = { ARC_TLS_CERT_FILE: '/etc/arc/cert.pem', ARC_TLS_KEY_FILE: '/etc/arc/key.pem' };
  it.each<[string, Record<string, string>, string]>([
    ['the defaults', {}, 'mqtt://localhost:1883'],
    [
      'the public host, no TLS',
      { ARC_PUBLIC_URL: 'https://arc.example.org/console', ARC_MQTT_PORT: '11883' },
      'mqtt://arc.example.org:11883',
    ],
    [
      'the public host with TLS',
      { ARC_PUBLIC_URL: 'https://arc.example.org:8443', ...TLS },
      'mqtts://arc.example.org:8883',
    ],
    [
      'TLS on another port',
      { ARC_PUBLIC_URL: 'https://arc.example.org', ARC_MQTTS_PORT: '18883', ...TLS },
      'mqtts://arc.example.org:18883',
    ],
    ['an IPv6 public address', { ARC_PUBLIC_URL: 'http://[2001:db8::1]:8080' }, 'mqtt://[2001:db8::1]:1883'],
    ['set outright', { ARC_DEVICE_MQTT_URL: 'mqtts://mqtt.example.org:443', ...TLS }, 'mqtts://mqtt.example.org:443'],
    ['set to WebSocket', { ARC_DEVICE_MQTT_URL: 'wss://arc.example.org/mqtt' }, 'wss://arc.example.org/mqtt'],
  ])('%s', (_name, env, url) => {
    expect(deviceMqttUrl(loadConfig(env))).toBe(url);
  });
});
