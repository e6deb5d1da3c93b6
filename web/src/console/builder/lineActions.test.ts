import { describe, expect, it } from 'vitest';
import { phoneAction, playable } from './lineActions';

describe('LINE phone actions', () => {
  it('plays postbacks, message actions and date pickers, as LINE would send them', () => {
    expect(phoneAction({ type: 'postback', label: '新規（3,000円）', data: 'mg=v&x=new', displayText: '新規' })).toEqual({ type: 'postback', data: 'mg=v&x=new' });
    expect(phoneAction({ type: 'message', label: 'とても長い…', text: 'とても長い選択肢' })).toEqual({ type: 'message', text: 'とても長い選択肢' });
    expect(phoneAction({ type: 'datetimepicker', label: '日付を選ぶ', data: 'mg=d&x=birth', mode: 'date' }, '2020-05-01'))
      .toEqual({ type: 'postback', data: 'mg=d&x=birth', date: '2020-05-01' });
    // A picker sends nothing until a date is picked.
    expect(phoneAction({ type: 'datetimepicker', data: 'mg=d&x=birth' })).toBeNull();
  });
  it('leaves the camera and location to a real phone', () => {
    expect(playable({ type: 'camera', label: 'カメラで撮る' })).toBe(false);
    expect(playable({ type: 'location', label: '位置情報を送る' })).toBe(false);
    expect(playable({ type: 'postback', label: 'x' })).toBe(false);
    expect(playable({ type: 'datetimepicker', data: 'mg=d&x=birth' })).toBe(true);
    expect(phoneAction({ type: 'cameraRoll', label: '写真を選ぶ' })).toBeNull();
  });
});
