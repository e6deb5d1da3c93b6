// Nested branch conditions as an editable tree. The definition's grammar (docs/service-definition.md,
// src/conversation/condition.cpp) is {answer, op, value} | {all:[…]} | {any:[…]} | {not: cond};
// the editor shows groups instead: すべて満たす (all), いずれかを満たす (any) and 満たさない (none:
// not one of its items holds). Converting both ways is pure so the round trip is unit-tested, and
// a simple one-rule condition stays the plain {answer, op, value} it was.
import { operatorsFor, type Cond, type Definition, type StepDef } from './model';

export type GroupMode = 'all' | 'any' | 'none';
export interface RuleNode { type: 'rule'; answer: string; op: string; value?: unknown }
export interface GroupNode { type: 'group'; mode: GroupMode; items: CondNode[] }
export type CondNode = RuleNode | GroupNode;
/** Where a node sits: the item indexes from the root group down. */
export type CondPath = number[];

/** The server refuses deeper trees (kMaxConditionDepth = 32); staff never need more than a few levels. */
export const MAX_GROUP_DEPTH = 4;

function ruleOf(c: Cond): RuleNode {
  const r: RuleNode = { type: 'rule', answer: c.answer ?? '', op: c.op ?? 'eq' };
  if (c.value !== undefined) r.value = c.value;
  return r;
}

function nodeOf(c: Cond): CondNode {
  if (c.all) return { type: 'group', mode: 'all', items: c.all.map(nodeOf) };
  if (c.any) return { type: 'group', mode: 'any', items: c.any.map(nodeOf) };
  if (c.not) {
    // {not:{any:[a,b]}} is "none of a, b": one 満たさない group, not a group inside a group.
    if (c.not.any) return { type: 'group', mode: 'none', items: c.not.any.map(nodeOf) };
    return { type: 'group', mode: 'none', items: [nodeOf(c.not)] };
  }
  return ruleOf(c);
}

/** A case's `when` as the editor's tree; the root is always a group (a plain rule becomes すべて満たす with one item). */
export function condToTree(c: Cond | undefined): GroupNode {
  const n = c ? nodeOf(c) : undefined;
  if (!n) return { type: 'group', mode: 'all', items: [] };
  return n.type === 'group' ? n : { type: 'group', mode: 'all', items: [n] };
}

function condOf(n: CondNode): Cond {
  if (n.type === 'rule') {
    const c: Cond = { answer: n.answer, op: n.op };
    if (n.value !== undefined) c.value = n.value;
    return c;
  }
  const items = n.items.map(condOf);
  switch (n.mode) {
    case 'all': return { all: items };
    case 'any': return { any: items };
    case 'none': return { not: items.length === 1 ? items[0] : { any: items } };
  }
}

/** The tree back in the definition's grammar. A root すべて満たす group of one rule is that rule. An empty group stays empty, so the validator points at it. */
export function treeToCond(root: GroupNode): Cond {
  if (root.mode === 'all' && root.items.length === 1 && root.items[0].type === 'rule') return condOf(root.items[0]);
  return condOf(root);
}

export function nodeAt(root: GroupNode, path: CondPath): CondNode | undefined {
  let n: CondNode = root;
  for (const i of path) {
    if (n.type !== 'group') return undefined;
    n = n.items[i];
    if (!n) return undefined;
  }
  return n;
}

/** A copy of the tree with the node at `path` replaced by fn(node) (removed when fn returns undefined). */
export function updateAt(root: GroupNode, path: CondPath, fn: (n: CondNode) => CondNode | undefined): GroupNode {
  const walk = (n: CondNode, depth: number): CondNode | undefined => {
    if (depth === path.length) return fn(n);
    if (n.type !== 'group') return n;
    const i = path[depth];
    const items: CondNode[] = [];
    n.items.forEach((child, k) => {
      const c = k === i ? walk(child, depth + 1) : child;
      if (c) items.push(c);
    });
    return { ...n, items };
  };
  const r = walk(root, 0);
  return r && r.type === 'group' ? r : { type: 'group', mode: 'all', items: [] };
}

export function addItem(root: GroupNode, groupPath: CondPath, item: CondNode): GroupNode {
  return updateAt(root, groupPath, (n) => (n.type === 'group' ? { ...n, items: [...n.items, item] } : n));
}

export function removeAt(root: GroupNode, path: CondPath): GroupNode {
  return path.length ? updateAt(root, path, () => undefined) : root;
}

/** A rule on the first answer a condition may test, with the first operator and value that fit it. */
export function defaultRule(sources: StepDef[]): RuleNode {
  const s = sources[0];
  const op = operatorsFor(s)[0] ?? 'eq';
  const r: RuleNode = { type: 'rule', answer: s?.id ?? '', op };
  const v = s?.choices?.[0]?.value;
  if (v !== undefined) r.value = v;
  return r;
}

/** A rule pointed at another answer: the operator and value reset to ones that fit it. */
export function retarget(def: Definition, answer: string): RuleNode {
  return defaultRule(def.steps.filter((s) => s.id === answer));
}

/** Depth of groups, the root counting 1. */
export function groupDepth(n: CondNode): number {
  return n.type === 'group' ? 1 + Math.max(0, ...n.items.map(groupDepth)) : 0;
}

export interface CondWords {
  all: string; any: string; none: string; sep: string;
  rule: (answer: string, op: string, value: string) => string;
}

/** A one-line reading of a condition for edge labels and screen readers: 種類 が次と同じ 犬 かつ (…). */
export function describeCond(def: Definition, c: Cond | undefined, w: CondWords): string {
  if (!c) return '';
  const say = (n: CondNode, top: boolean): string => {
    if (n.type === 'rule') {
      const s = def.steps.find((x) => x.id === n.answer);
      const choice = s?.choices?.find((ch) => ch.value === n.value);
      const value = n.op === 'answered' ? '' : choice ? choice.label || choice.value : Array.isArray(n.value) ? n.value.join(w.sep) : String(n.value ?? '');
      return w.rule(s ? s.label || s.id : n.answer, n.op, value);
    }
    const inner = n.items.map((x) => say(x, false));
    const text = n.mode === 'none' ? `${w.none}(${inner.join(w.sep)})` : inner.join(n.mode === 'all' ? w.all : w.any);
    return top || n.items.length < 2 || n.mode === 'none' ? text : `(${text})`;
  };
  return say(nodeOf(c), true);
}
