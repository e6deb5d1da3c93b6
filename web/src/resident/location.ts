// Pure helpers of the location picker (unit-tested without a map).

export interface LatLng { lat: number; lng: number }

/** Six decimals (about 10 cm) is finer than any phone's fix; longer numbers only look precise. */
export function roundCoord(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** Moves a point by (dx, dy) screen pixels using the map's projection, clamped to valid ranges. */
export function nudge(p: LatLng, dx: number, dy: number,
  toPoint: (p: LatLng) => { x: number; y: number }, toLatLng: (x: number, y: number) => LatLng): LatLng {
  const pt = toPoint(p);
  const q = toLatLng(pt.x + dx, pt.y + dy);
  return { lat: roundCoord(Math.max(-90, Math.min(90, q.lat))), lng: roundCoord(Math.max(-180, Math.min(180, q.lng))) };
}
