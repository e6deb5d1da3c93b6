/** Whether a booking's slot ("2026-12-05T09:00", JST) has begun: residents cannot cancel it any more. */
export function hasBegun(slot: string, nowMs: number = Date.now()): boolean {
  const start = Date.parse(`${slot}:00+09:00`);
  return Number.isNaN(start) || start <= nowMs;
}
