// A QR code drawn module by module onto a <canvas> (no markup from the library), with the
// payload beside it as text: a phone app can scan it, a person can read and copy the same thing.
import qrcode from 'qrcode-generator';
import { el } from './element.js';

/** Four light modules round the code: the quiet zone ISO/IEC 18004 asks for. */
const QUIET_MODULES = 4;

/**
 * The payload's UTF-8 bytes as a string of char codes 0–255: the library's default encoder
 * keeps only the low byte of each char, which would garble anything beyond Latin-1.
 */
function utf8Bytes(payload: string): string {
  let bytes = '';
  for (const byte of new TextEncoder().encode(payload)) bytes += String.fromCharCode(byte);
  return bytes;
}

/** The code's dark modules, row by row (true = dark), for drawing and for tests. */
export function qrModules(payload: string): boolean[][] {
  // Error correction M: survives a smudged phone screen, still small for ~200 characters.
  const code = qrcode(0, 'M');
  code.addData(utf8Bytes(payload), 'Byte');
  code.make();
  const count = code.getModuleCount();
  return Array.from({ length: count }, (_, row) => Array.from({ length: count }, (_, col) => code.isDark(row, col)));
}

/** A canvas showing `payload` as a QR code, `cellPx` pixels a module, quiet zone included. */
export function qrCanvas(payload: string, label: string, cellPx = 4): HTMLCanvasElement {
  const modules = qrModules(payload);
  const side = (modules.length + 2 * QUIET_MODULES) * cellPx;
  const canvas = el('canvas', {
    className: 'qr-canvas',
    attrs: { role: 'img', 'aria-label': label, width: side, height: side },
  });
  canvas.dataset.modules = String(modules.length);
  canvas.dataset.cellPx = String(cellPx);
  canvas.dataset.quietModules = String(QUIET_MODULES);
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, side, side);
  context.fillStyle = '#000';
  modules.forEach((row, r) =>
    row.forEach((dark, c) => {
      if (dark) context.fillRect((c + QUIET_MODULES) * cellPx, (r + QUIET_MODULES) * cellPx, cellPx, cellPx);
    }),
  );
  return canvas;
}

/** The code with its payload as text beside it. */
export function qrFigure(payload: string, label: string, caption: string): HTMLElement {
  return el(
    'figure',
    { className: 'qr-code' },
    qrCanvas(payload, label),
    el(
      'figcaption',
      null,
      el('span', { className: 'qr-caption', text: caption }),
      el('code', { className: 'qr-payload', text: payload }),
    ),
  );
}
