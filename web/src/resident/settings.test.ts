import { describe, expect, it } from 'vitest';
import { bodyOf, draftOf, type Settings } from './ReceivingSettings';
import { buildMenu, specFromMenu, type MenuSpec } from '../console/richMenuLayouts';

const settings: Settings = {
  items: [
    { key: 'district', label: '地区', help: '', type: 'choice', multiple: false, options: [{ value: 'kita', label: '北' }] },
    { key: 'topics', label: '話題', help: '', type: 'choice', multiple: true, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] },
    { key: 'kids', label: '子', help: '', type: 'date', multiple: true, options: [] },
    { key: 'size', label: '人数', help: '', type: 'number', multiple: false, options: [] },
  ],
  values: { district: 'kita', topics: ['a', 'b'], size: 3 },
};

describe('受信設定 form', () => {
  it('round-trips the values and sends emptied fields as null', () => {
    const d = draftOf(settings);
    expect(d).toEqual({ district: ['kita'], topics: ['a', 'b'], kids: [], size: ['3'] });
    expect(bodyOf(settings.items, d)).toEqual({ values: { district: 'kita', topics: ['a', 'b'], kids: null, size: 3 } });
    expect(bodyOf(settings.items, { ...d, district: [], kids: ['2024-01-01', ' '], topics: [] }).values)
      .toEqual({ district: null, topics: null, kids: ['2024-01-01'], size: 3 });
  });

  it('a rich-menu area can start it (postback mg=c&x=settings) and reads back', () => {
    const spec: MenuSpec = { layout: 'compact1', chatBarText: 'メニュー', theme: 'blue', areas: [{ icon: '', label: '受信設定', action: { kind: 'settings' } }] };
    const menu = buildMenu('m', spec) as { areas: { action: Record<string, string> }[] };
    expect(menu.areas[0].action).toEqual({ type: 'postback', label: '受信設定', data: 'mg=c&x=settings', displayText: '受信設定' });
    expect(specFromMenu(menu as never).areas[0].action).toEqual({ kind: 'settings' });
  });
});
