// How times, durations, positions and shares read on every page. Pure.

/** "0:42", "12:05", "1:02:05". A negative duration (clocks a little apart) reads 0:00. */
export function durationText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "14:02:05" in the browser's time zone (an ARC desk is in the ARC's). */
export function clockText(iso: string | number): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString('en-GB', { hour12: false });
}

/** "14:02:05" today, "3 Mar 14:02" on another day. */
export function whenText(iso: string | number, now: number): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  if (at.toDateString() === new Date(now).toDateString()) return clockText(iso);
  return `${at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false })}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function sinceText(iso: string | number | null, now: number): string {
  if (iso === null) return 'never';
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} days ago`;
}

export interface LatLon {
  lat: number;
  lon: number;
  acc?: number | null;
}

/** "53.64580, -3.01010": five decimals is about a metre, finer than any fix's accuracy. */
export function coordinatesText(p: LatLon): string {
  return `${p.lat.toFixed(5)}, ${p.lon.toFixed(5)}`;
}

/** "53.64580, -3.01010 ±8 m", or "no position". */
export function positionText(p: LatLon | null): string {
  if (!p) return 'no position';
  return p.acc === null || p.acc === undefined ? coordinatesText(p) : `${coordinatesText(p)} ±${Math.round(p.acc)} m`;
}

/** 0.985 → "98.5 %"; null → "—". */
export function percentText(share: number | null): string {
  return share === null ? '—' : `${(Math.floor(share * 1000) / 10).toFixed(1)} %`;
}

/** "8 s", "2 min 5 s", or "—". */
export function secondsText(s: number | null): string {
  if (s === null) return '—';
  const whole = Math.round(s);
  return whole < 60 ? `${whole} s` : `${Math.floor(whole / 60)} min ${whole % 60} s`;
}
