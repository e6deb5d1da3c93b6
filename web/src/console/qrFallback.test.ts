import { describe, expect, it } from 'vitest';
import { encode } from 'uqr';
import { decodeRgba } from './qrFallback';

// A QR code as the camera would see it: dark modules on white, a quiet zone, `px` pixels a module.
function render(text: string, px = 4, quiet = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const { data: modules, size } = encode(text, { ecc: 'M', border: 0 });
  const side = (size + 2 * quiet) * px;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if (!modules[y][x]) continue;
      for (let dy = 0; dy < px; dy++)
        for (let dx = 0; dx < px; dx++) {
          const i = (((y + quiet) * px + dy) * side + (x + quiet) * px + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
    }
  return { data, width: side, height: side };
}

describe('check-in QR fallback (jsQR)', () => {
  it('decodes a booking check-in code from an RGBA frame', () => {
    const code = '84WD-VW3X-JE3V-6RRP'; // format_checkin_code: what the booking's QR carries
    const img = render(code);
    expect(decodeRgba(img.data, img.width, img.height)).toBe(code);
  });

  it('answers null for a frame without a code and for a short buffer', () => {
    const blank = new Uint8ClampedArray(200 * 200 * 4).fill(255);
    expect(decodeRgba(blank, 200, 200)).toBeNull();
    expect(decodeRgba(new Uint8ClampedArray(16), 200, 200)).toBeNull();
    expect(decodeRgba(blank, 0, 0)).toBeNull();
  });
});
