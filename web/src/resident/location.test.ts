import { describe, expect, it } from 'vitest';
import { nudge, roundCoord } from './location';

// A flat projection: 1 px = 0.001 degrees, y grows southwards as on screen.
const toPoint = (p: { lat: number; lng: number }) => ({ x: p.lng * 1000, y: -p.lat * 1000 });
const toLatLng = (x: number, y: number) => ({ lat: -y / 1000, lng: x / 1000 });

describe('location picker helpers', () => {
  it('rounds to six decimals', () => {
    expect(roundCoord(35.68123456789)).toBe(35.681235);
    expect(roundCoord(-0.0000004)).toBe(-0);
  });
  it('moves the pin in screen directions', () => {
    const p = { lat: 35, lng: 139 };
    expect(nudge(p, 0, -10, toPoint, toLatLng)).toEqual({ lat: 35.01, lng: 139 });
    expect(nudge(p, 10, 0, toPoint, toLatLng)).toEqual({ lat: 35, lng: 139.01 });
  });
  it('clamps to valid coordinates', () => {
    expect(nudge({ lat: 89.999, lng: 179.999 }, 1000, -1000, toPoint, toLatLng)).toEqual({ lat: 90, lng: 180 });
  });
});
