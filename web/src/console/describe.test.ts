import { describe, expect, it } from 'vitest';
import { translate, type Locale, type MessageKey } from '../i18n';
import { auditAction, auditDetail, describeCorrection, describeHistory } from './describe';

const tr = (l: Locale) => (k: MessageKey, p?: Record<string, string | number>) => translate(l, k, p);
const status = (l: Locale) => (s: string) => translate(l, `status.${s}` as MessageKey);
const role = (l: Locale) => (r: string) => translate(l, `role.${r}` as MessageKey);

describe('application history in words', () => {
  it('says who was assigned and how the status changed, in Japanese and English', () => {
    const h = { kind: 'updated', detail: { status: { from: 'new', to: 'in_progress' }, assignee_id: 2, assignee_name: '山田 太郎' } };
    expect(describeHistory(h, tr('ja'), status('ja'))).toBe('状態を 未対応 から 処理中 に変更、担当者を 山田 太郎 に変更');
    expect(describeHistory(h, tr('en'), status('en'))).toBe('Changed the status from New to In progress, Assigned to 山田 太郎');
    expect(describeHistory({ kind: 'updated', detail: { assignee_id: null } }, tr('ja'), status('ja'))).toBe('担当者を外しました');
    expect(describeHistory({ kind: 'submitted', detail: { channel: 'line' } }, tr('ja'), status('ja'))).toBe('LINEから申請を受け付け');
    expect(describeHistory({ kind: 'mystery' }, tr('ja'), status('ja'))).toBe('記録（mystery）');
  });
  it('names corrected questions by their labels, never raw ids or JSON', () => {
    const c = { step_ids: ['kana', 'address'], step_labels: ['ふりがな', '住所'], reason: '読みを確認', status: 'open' };
    expect(describeCorrection(c, tr('ja'))).toBe('修正する項目: ふりがな、住所 ／ 理由: 読みを確認 ／ 修正待ち');
    const h = describeHistory({ kind: 'correction_requested', detail: c }, tr('ja'), status('ja'));
    expect(h).toBe('ふりがな、住所 の修正を依頼');
    expect(h).not.toMatch(/[[\]{}]/);
  });
});

describe('audit rows in words', () => {
  it('translates actions and known details', () => {
    expect(auditAction('application.update', tr('ja'))).toBe('申請を更新');
    expect(auditAction('staff.update', tr('en'))).toBe('Changed a staff member\'s settings');
    expect(auditAction('brand.new', tr('ja'))).toBe('brand.new');
    expect(auditDetail({ role: ['operator', 'editor'], departments: [['環境課'], ['環境課', '市民課']], department: ['環境課', '環境課'] }, tr('ja'), status('ja'), role('ja')))
      .toBe(`権限: ${translate('ja', 'role.operator')} → ${translate('ja', 'role.editor')}、所属: 環境課 → 環境課、市民課`);
    expect(auditDetail({ status: { from: 'new', to: 'done' }, memo: true }, tr('ja'), status('ja'), role('ja'))).toBe('状態: 未対応 → 完了、メモを更新');
  });
});
