import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorMessage } from '../common';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import {
  CHANNEL_ATTR, emptyGroup, fromCondition, incomplete, newRule, opsFor, toCondition,
  type AttrDef, type Condition, type Group, type Rule, type RuleOp,
} from './segmentModel';

export interface SavedSegment { id: number; name: string; condition: Condition }
interface Count { count: number; blocked: number; active: { line: number; web: number } }

/**
 * Who a delivery goes to, from drop-downs: rules (attribute, operator, value) in and/or/not
 * groups, a live count as staff edit (debounced), and saved segments to load and save.
 * `onChange` gets the condition the server compiles (residents/condition.h).
 */
export default function SegmentBuilder({ defs, segments, onChange, onSaved }: {
  defs: AttrDef[];
  segments: SavedSegment[];
  onChange: (c: Condition) => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const [group, setGroup] = useState<Group>(emptyGroup);
  const [count, setCount] = useState<Count | null>(null);
  const [counting, setCounting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const condition = toCondition(group, defs);
  const key = JSON.stringify(condition);

  useEffect(() => {
    onChange(condition);
    setCounting(true);
    // Debounced: one count after the staff member pauses, not one per keystroke.
    const timer = setTimeout(async () => {
      try {
        setCount(await api.post<Count>('/api/residents/count', { condition }));
        setError(null);
      } catch (e) { setError(e); setCount(null); } finally { setCounting(false); }
    }, 400);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const load = (id: string) => {
    const s = segments.find((x) => String(x.id) === id);
    if (!s) return;
    const g = fromCondition(s.condition);
    if (g) { setGroup(g); setName(s.name); }
    else setError(new Error(t('sg.cannotShow')));
  };
  const save = async () => {
    setSaved(null); setError(null);
    try {
      const existing = segments.find((s) => s.name === name.trim());
      if (existing) await api.put(`/api/segments/${existing.id}`, { name, condition });
      else await api.post('/api/segments', { name, condition });
      setSaved(t('sg.saved', { name: name.trim() }));
      onSaved();
    } catch (e) { setError(e); }
  };

  return (
    <div className="segment-builder" data-testid="segment-builder">
      {segments.length > 0 && (
        <div className="field">
          <label htmlFor="segment-load">{t('sg.load')}</label>
          <select id="segment-load" defaultValue="" onChange={(e) => load(e.target.value)} data-testid="segment-load">
            <option value="">{t('sg.choose')}</option>
            {segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </div>
      )}
      <GroupEditor group={group} defs={defs} depth={0} path={t('sg.top')} onChange={setGroup} />
      <div className="segment-count" role="status" aria-live="polite" data-testid="segment-count">
        {count && !error ? (
          <>
            <strong data-testid="segment-count-total">{t('sg.count', { n: count.count })}</strong>
            <span> {t('sg.countChannels', { line: count.active.line, web: count.active.web })}</span>
            <span className="muted" data-testid="segment-count-blocked"> {t('sg.blocked', { n: count.blocked })}</span>
            {counting && <span className="muted"> {t('sg.counting')}</span>}
          </>
        ) : counting ? t('sg.counting') : null}
      </div>
      <ErrorMessage error={error} testId="segment-error" />
      <div className="field segment-save">
        <label htmlFor="segment-name">{t('sg.name')}</label>
        <input id="segment-name" value={name} maxLength={50} onChange={(e) => setName(e.target.value)} data-testid="segment-name" />
        <button type="button" className="btn" disabled={!name.trim()} onClick={save} data-testid="segment-save">{t('sg.save')}</button>
        <div role="status" aria-live="polite">{saved && <span className="muted" data-testid="segment-saved">{saved}</span>}</div>
      </div>
    </div>
  );
}

function GroupEditor({ group, defs, depth, path, onChange, onRemove }: {
  group: Group; defs: AttrDef[]; depth: number; path: string;
  onChange: (g: Group) => void; onRemove?: () => void;
}) {
  const { t } = useI18n();
  const set = (i: number, it: Rule | Group) => onChange({ ...group, items: group.items.map((x, j) => (j === i ? it : x)) });
  const remove = (i: number) => onChange({ ...group, items: group.items.filter((_, j) => j !== i) });
  return (
    <fieldset className="segment-group" data-testid="segment-group">
      <legend>{path}</legend>
      <div className="segment-group-head">
        <label>
          <span className="sr-only">{t('sg.matchLabel', { path })}</span>
          <select value={group.match} onChange={(e) => onChange({ ...group, match: e.target.value as Group['match'] })} data-testid="segment-match">
            <option value="all">{t('sg.matchAll')}</option>
            <option value="any">{t('sg.matchAny')}</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={group.negate} onChange={(e) => onChange({ ...group, negate: e.target.checked })} data-testid="segment-negate" />
          {t('sg.negate')}
        </label>
        {onRemove && <button type="button" className="btn btn-ghost" onClick={onRemove}>{t('sg.removeGroup')}</button>}
      </div>
      {group.items.length === 0 && <p className="muted">{t('sg.everyone')}</p>}
      <ol className="segment-items">
        {group.items.map((it, i) => (
          <li key={i}>
            {it.kind === 'rule'
              ? <RuleEditor rule={it} defs={defs} n={i + 1} onChange={(r) => set(i, r)} onRemove={() => remove(i)} />
              : <GroupEditor group={it} defs={defs} depth={depth + 1} path={`${path} › ${t('sg.group', { n: i + 1 })}`} onChange={(g) => set(i, g)} onRemove={() => remove(i)} />}
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="btn" onClick={() => onChange({ ...group, items: [...group.items, newRule(defs)] })} data-testid="segment-add-rule">{t('sg.addRule')}</button>
        {depth < 3 && <button type="button" className="btn" onClick={() => onChange({ ...group, items: [...group.items, { ...emptyGroup(), match: 'any' }] })} data-testid="segment-add-group">{t('sg.addGroup')}</button>}
      </div>
    </fieldset>
  );
}

function RuleEditor({ rule, defs, n, onChange, onRemove }: {
  rule: Rule; defs: AttrDef[]; n: number; onChange: (r: Rule) => void; onRemove: () => void;
}) {
  const { t } = useI18n();
  const def = defs.find((d) => d.key === rule.attr);
  const ops = opsFor(def);
  const label = t('sg.rule', { n });
  const options = def?.type === 'yes_no'
    ? [{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]
    : def?.options ?? [];
  const toggle = (v: string, on: boolean) => onChange({ ...rule, values: on ? [...rule.values, v] : rule.values.filter((x) => x !== v) });
  const dateRange = def?.type === 'date' && rule.op === 'between';
  return (
    <div className={`segment-rule${incomplete(rule) ? ' incomplete' : ''}`} role="group" aria-label={label} data-testid="segment-rule">
      <label>
        <span className="sr-only">{t('sg.attr', { rule: label })}</span>
        <select value={rule.attr} onChange={(e) => onChange(newRule(defs, e.target.value))} data-testid="segment-attr">
          {defs.map((d) => <option key={d.key} value={d.key}>{d.label}</option>)}
          <option value={CHANNEL_ATTR}>{t('sg.channel')}</option>
        </select>
      </label>
      {rule.op !== 'channel' && (
        <label>
          <span className="sr-only">{t('sg.op', { rule: label })}</span>
          <select value={rule.op} onChange={(e) => onChange({ ...rule, op: e.target.value as RuleOp, values: [], lo: e.target.value === 'age_between' ? '0' : '', hi: e.target.value === 'age_between' ? '5' : '' })} data-testid="segment-op">
            {ops.map((o) => <option key={o} value={o}>{t(`sg.op.${o}` as MessageKey)}</option>)}
          </select>
        </label>
      )}
      {rule.op === 'channel' && (
        <label>
          <span className="sr-only">{t('sg.value', { rule: label })}</span>
          <select value={rule.values[0] ?? 'line'} onChange={(e) => onChange({ ...rule, values: [e.target.value] })} data-testid="segment-channel">
            <option value="line">LINE</option>
            <option value="web">{t('sg.web')}</option>
          </select>
        </label>
      )}
      {(rule.op === 'in' || rule.op === 'not_in') && (
        <fieldset className="segment-values">
          <legend className="sr-only">{t('sg.value', { rule: label })}</legend>
          {options.map((o) => (
            <label key={o.value} className="check">
              <input type="checkbox" checked={rule.values.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} data-testid={`segment-value-${o.value}`} />
              {o.label}
            </label>
          ))}
        </fieldset>
      )}
      {rule.op === 'has' && (
        <label>
          <span className="sr-only">{t('sg.value', { rule: label })}</span>
          <input value={rule.values[0] ?? ''} onChange={(e) => onChange({ ...rule, values: [e.target.value] })} data-testid="segment-text" />
        </label>
      )}
      {(rule.op === 'between' || rule.op === 'age_between') && (
        <span className="segment-range">
          <label>
            <span className="sr-only">{t('sg.lo', { rule: label })}</span>
            <input type={dateRange ? 'date' : 'number'} min={0} value={rule.lo} onChange={(e) => onChange({ ...rule, lo: e.target.value })} data-testid="segment-lo" />
          </label>
          <span aria-hidden="true">〜</span>
          <label>
            <span className="sr-only">{t('sg.hi', { rule: label })}</span>
            <input type={dateRange ? 'date' : 'number'} min={0} value={rule.hi} onChange={(e) => onChange({ ...rule, hi: e.target.value })} data-testid="segment-hi" />
          </label>
          {rule.op === 'age_between' && <span>{t('sg.ageUnit')}</span>}
        </span>
      )}
      <button type="button" className="btn btn-ghost" onClick={onRemove} data-testid="segment-remove-rule">{t('sg.removeRule', { rule: label })}</button>
    </div>
  );
}
