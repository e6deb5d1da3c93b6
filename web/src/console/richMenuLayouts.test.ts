import { describe, expect, it } from 'vitest';
import { LAYOUTS, buildMenu, problems, specFromMenu, type MenuSpec } from './richMenuLayouts';

describe('rich menu layouts', () => {
  it('every layout tiles its image exactly, without gaps or overlaps', () => {
    for (const l of LAYOUTS) {
      const cover = new Uint8Array(l.size.width * l.size.height);
      for (const a of l.areas) {
        expect(a.x + a.width).toBeLessThanOrEqual(l.size.width);
        expect(a.y + a.height).toBeLessThanOrEqual(l.size.height);
        for (let y = a.y; y < a.y + a.height; y += 7) for (let x = a.x; x < a.x + a.width; x += 7) cover[y * l.size.width + x]++;
      }
      let area = 0;
      for (const a of l.areas) area += a.width * a.height;
      expect(area, l.id).toBe(l.size.width * l.size.height);
      expect(cover.every((c) => c <= 1), l.id).toBe(true);
    }
  });

  const spec: MenuSpec = {
    layout: 'large4', chatBarText: 'メニュー', theme: 'blue',
    areas: [
      { icon: '📝', label: '手続き', action: { kind: 'services' } },
      { icon: '🗑️', label: '粗大ごみ', action: { kind: 'service', service: '粗大ごみ収集の申込み' } },
      { icon: '📋', label: '申請した手続き', action: { kind: 'mine' } },
      { icon: '🌐', label: '町のホームページ', action: { kind: 'url', url: 'https://example.jp/' } },
    ],
  };

  it('builds the LINE object our channel reads, and reads it back', () => {
    const menu = buildMenu('通常', spec) as { areas: { action: Record<string, string> }[]; size: { height: number } };
    expect(menu.size.height).toBe(1686);
    expect(menu.areas[1].action).toEqual({ type: 'postback', label: '🗑️ 粗大ごみ', data: 'mg=s&x=%E7%B2%97%E5%A4%A7%E3%81%94%E3%81%BF%E5%8F%8E%E9%9B%86%E3%81%AE%E7%94%B3%E8%BE%BC%E3%81%BF', displayText: '粗大ごみ' });
    expect(menu.areas[0].action.data).toBe('mg=m&x=0');
    expect(menu.areas[2].action.data).toBe('mg=c&x=applications');
    expect(menu.areas[3].action).toEqual({ type: 'uri', label: '🌐 町のホームページ', uri: 'https://example.jp/' });
    // The server answers objects with its own key order (nlohmann sorts keys).
    const reordered = JSON.parse(JSON.stringify(menu, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v)));
    const back = specFromMenu(reordered as never);
    expect(back.layout).toBe('large4');
    expect(back.areas).toEqual(spec.areas);
  });

  it('offers 予約の確認・変更・取消 as a ready action, the postback the LINE channel reads', () => {
    const area = { icon: '📅', label: '予約の確認', action: { kind: 'bookings' } } as const;
    const menu = buildMenu('予約', { layout: 'compact1', chatBarText: 'メニュー', theme: 'blue', areas: [area] }) as { areas: { action: Record<string, string> }[] };
    // src/channels/line/my_bookings.h: kMyBookingsCommand; tests/integration/reservations-line-mine.test.mjs taps it.
    expect(menu.areas[0].action).toEqual({ type: 'postback', label: '📅 予約の確認', data: 'mg=c&x=reservations', displayText: '予約の確認' });
    expect(specFromMenu(menu as never).areas).toEqual([area]);
    expect(problems({ layout: 'compact1', chatBarText: 'メニュー', theme: 'blue', areas: [area] })).toEqual([]);
  });

  it('names what staff must fix', () => {
    expect(problems(spec)).toEqual([]);
    const bad: MenuSpec = { ...spec, chatBarText: '', areas: [{ ...spec.areas[0], label: '' }, { icon: '', label: 'x', action: { kind: 'url', url: 'javascript:alert(1)' } }] };
    expect(problems(bad)).toEqual([
      { key: 'rm.errChatBar' }, { area: 1, key: 'rm.errLabel' }, { area: 2, key: 'rm.errUrl' },
      { area: 3, key: 'rm.errLabel' }, { area: 4, key: 'rm.errLabel' },
    ]);
  });
});
