// A branch case's condition as nested groups of drop-down rules: すべて満たす / いずれかを満たす /
// 満たさない, each holding rules or further groups. conditions.ts converts to and from the
// definition's {all|any|not|answer} grammar; this file only draws the tree.
import { useId } from 'react';
import { useI18n } from '../../i18n-react';
import type { MessageKey } from '../../i18n';
import {
  MAX_GROUP_DEPTH, addItem, condToTree, defaultRule, removeAt, retarget, treeToCond, updateAt,
  type CondNode, type CondPath, type GroupMode, type GroupNode, type RuleNode,
} from './conditions';
import { operatorsFor, type Cond, type Definition, type StepDef } from './model';
import './conditions.css';

export interface ConditionEditorProps {
  def: Definition; sources: StepDef[]; when: Cond; onChange: (c: Cond) => void;
  /** 1-based case number, used in labels (条件1, 条件1-2 …). */
  caseNo: number;
}

const MODES: GroupMode[] = ['all', 'any', 'none'];

export default function ConditionEditor({ def, sources, when, onChange, caseNo }: ConditionEditorProps) {
  const tree = condToTree(when);
  const change = (fn: (root: GroupNode) => GroupNode) => onChange(treeToCond(fn(tree)));
  return <Group def={def} sources={sources} node={tree} path={[]} no={`${caseNo}`} change={change} />;
}

interface PartProps { def: Definition; sources: StepDef[]; path: CondPath; no: string; change: (fn: (root: GroupNode) => GroupNode) => void }

function Group({ node, ...p }: PartProps & { node: GroupNode }) {
  const { t } = useI18n();
  const id = useId();
  const { path, no, change, sources } = p;
  const depth = path.length + 1;
  return (
    <fieldset className={`cond-group cond-${node.mode}`} data-testid="cond-group" data-mode={node.mode} data-depth={depth}>
      <legend>{path.length ? t('cond.groupN', { n: no }) : t('cond.caseN', { n: no })}</legend>
      <div className="field cond-mode">
        <label htmlFor={`${id}-mode`}>{t('cond.mode')}</label>
        <select id={`${id}-mode`} value={node.mode} data-testid="cond-mode"
          onChange={(e) => change((r) => updateAt(r, path, (n) => (n.type === 'group' ? { ...n, mode: e.target.value as GroupMode } : n)))}>
          {MODES.map((m) => <option key={m} value={m}>{t(`cond.mode.${m}` as MessageKey)}</option>)}
        </select>
      </div>
      {!node.items.length && <p className="finding finding-warning" data-testid="cond-empty">{t('cond.empty')}</p>}
      <ol className="cond-items">
        {node.items.map((item, i) => {
          const childNo = `${no}-${i + 1}`;
          const childPath = [...path, i];
          return (
            <li key={i} className="cond-item">
              {item.type === 'rule'
                ? <Rule {...p} node={item} path={childPath} no={childNo} />
                : <Group {...p} node={item} path={childPath} no={childNo} />}
              <button type="button" className="btn btn-small btn-ghost" data-testid="cond-remove"
                onClick={() => change((r) => removeAt(r, childPath))}>
                {item.type === 'rule' ? t('cond.removeRule', { n: childNo }) : t('cond.removeGroup', { n: childNo })}
              </button>
            </li>
          );
        })}
      </ol>
      <div className="btn-row">
        <button type="button" className="btn" data-testid="cond-add-rule" onClick={() => change((r) => addItem(r, path, defaultRule(sources)))}>
          {t('cond.addRule', { n: no })}
        </button>
        {depth < MAX_GROUP_DEPTH && (
          <button type="button" className="btn" data-testid="cond-add-group"
            onClick={() => change((r) => addItem(r, path, { type: 'group', mode: 'any', items: [defaultRule(sources)] }))}>
            {t('cond.addGroup', { n: no })}
          </button>
        )}
      </div>
    </fieldset>
  );
}

function Rule({ def, sources, node, path, no, change }: PartProps & { node: RuleNode }) {
  const { t } = useI18n();
  const id = useId();
  const src = def.steps.find((x) => x.id === node.answer);
  const ops = operatorsFor(src);
  if (node.op && !ops.includes(node.op)) ops.push(node.op); // keep an operator written in the file
  const valueIsChoice = src?.kind === 'choice' && node.op !== 'answered';
  const set = (patch: Partial<RuleNode>) => change((r) => updateAt(r, path, (n): CondNode => (n.type === 'rule' ? { ...n, ...patch } : n)));
  return (
    <div className="cond-rule" data-testid="cond-rule">
      <div className="field">
        <label htmlFor={`${id}-a`}>{t('cond.answer', { n: no })}</label>
        <select id={`${id}-a`} value={node.answer} data-testid="case-answer"
          onChange={(e) => change((r) => updateAt(r, path, () => retarget(def, e.target.value)))}>
          <option value="">{t('bld.pick')}</option>
          {node.answer && !sources.some((s) => s.id === node.answer) && <option value={node.answer}>{node.answer}</option>}
          {sources.map((x) => <option key={x.id} value={x.id}>{x.label || x.text?.slice(0, 24) || x.id}（{x.id}）</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-o`}>{t('bld.caseOp')}</label>
        <select id={`${id}-o`} value={node.op} data-testid="case-op"
          onChange={(e) => set({ op: e.target.value, value: e.target.value === 'answered' ? true : node.value })}>
          {ops.map((o) => <option key={o} value={o}>{t(`bld.op.${o}` as MessageKey)}</option>)}
        </select>
      </div>
      {node.op !== 'answered' && (
        <div className="field">
          <label htmlFor={`${id}-v`}>{t('bld.caseValue')}</label>
          {valueIsChoice ? (
            <select id={`${id}-v`} value={String(node.value ?? '')} data-testid="case-value" onChange={(e) => set({ value: e.target.value })}>
              {(src?.choices ?? []).map((ch) => <option key={ch.value} value={ch.value}>{ch.label || ch.value}</option>)}
            </select>
          ) : (
            <input id={`${id}-v`} value={Array.isArray(node.value) ? node.value.join(',') : String(node.value ?? '')} data-testid="case-value"
              onChange={(e) => {
                const v = e.target.value;
                const n = Number(v);
                if (node.op === 'in' || node.op === 'not_in') set({ value: v.split(',').map((x) => x.trim()).filter(Boolean) });
                else set({ value: src?.kind === 'date' && !node.op.startsWith('age') ? v : v !== '' && !Number.isNaN(n) ? n : v });
              }} />
          )}
        </div>
      )}
    </div>
  );
}
