// The segment builder's model (issue 13): drop-down rules in and/or/not groups, turned into the
// condition JSON the server compiles (residents/condition.h) and back. Pure, unit-tested.

export type AttrType = 'choice' | 'text' | 'number' | 'date' | 'yes_no' | 'tag';
export interface AttrDef { key: string; label: string; type: AttrType; multiple: boolean; options: { value: string; label: string }[] }

/** What a rule says about an attribute (or the channel). */
export type RuleOp = 'in' | 'not_in' | 'has' | 'between' | 'age_between' | 'exists' | 'missing' | 'channel';
export interface Rule { kind: 'rule'; attr: string; op: RuleOp; values: string[]; lo: string; hi: string }
export interface Group { kind: 'group'; match: 'all' | 'any'; negate: boolean; items: (Rule | Group)[] }

export const CHANNEL_ATTR = '__channel';
export type Condition = Record<string, unknown>;

export function emptyGroup(): Group { return { kind: 'group', match: 'all', negate: false, items: [] }; }

/** The operators that make sense for a type, first the default. */
export function opsFor(def: AttrDef | undefined): RuleOp[] {
  if (!def) return ['channel'];
  switch (def.type) {
    case 'choice': return ['in', 'not_in', 'exists', 'missing'];
    case 'yes_no': return ['in', 'exists', 'missing'];
    case 'text': case 'tag': return ['has', 'exists', 'missing'];
    case 'number': return ['between', 'exists', 'missing'];
    case 'date': return ['age_between', 'between', 'exists', 'missing'];
  }
}

export function newRule(defs: AttrDef[], attr?: string): Rule {
  const key = attr ?? defs[0]?.key ?? CHANNEL_ATTR;
  const def = defs.find((d) => d.key === key);
  const op = opsFor(def)[0];
  return { kind: 'rule', attr: key, op, values: op === 'channel' ? ['line'] : [], lo: op === 'age_between' ? '0' : '', hi: op === 'age_between' ? '5' : '' };
}

/** A rule that is not filled in yet (no value chosen); shown as such, left out of the condition. */
export function incomplete(r: Rule): boolean {
  switch (r.op) {
    case 'in': case 'not_in': case 'has': case 'channel': return r.values.filter((v) => v !== '').length === 0;
    case 'between': case 'age_between': return r.lo.trim() === '' || r.hi.trim() === '';
    case 'exists': case 'missing': return false;
  }
}

function ruleCondition(r: Rule, defs: AttrDef[]): Condition {
  const def = defs.find((d) => d.key === r.attr);
  const num = (s: string) => (def?.type === 'number' ? Number(s) : s);
  switch (r.op) {
    case 'channel': return { channel: r.values[0] };
    case 'in': return { attr: r.attr, in: r.values };
    case 'not_in': return { not: { attr: r.attr, in: r.values } };
    case 'has': return { attr: r.attr, has: r.values[0] };
    case 'between': return { attr: r.attr, between: [num(r.lo), num(r.hi)] };
    case 'age_between': return { attr: r.attr, age_between: [Number(r.lo), Number(r.hi)] };
    case 'exists': return { attr: r.attr, exists: true };
    case 'missing': return { attr: r.attr, exists: false };
  }
}

/** The condition for the server; incomplete rules and empty groups are left out. */
export function toCondition(g: Group, defs: AttrDef[]): Condition {
  const parts = g.items
    .map((it) => (it.kind === 'rule' ? (incomplete(it) ? null : ruleCondition(it, defs)) : toCondition(it, defs)))
    .filter((c): c is Condition => c !== null && Object.keys(c).length > 0);
  if (parts.length === 0) return {};
  const inner = parts.length === 1 ? parts[0] : { [g.match]: parts };
  return g.negate ? { not: inner } : inner;
}

/** Back from a stored condition (a saved segment); null when it uses a form the builder lacks. */
export function fromCondition(c: unknown): Group | null {
  const g = emptyGroup();
  if (!c || typeof c !== 'object' || Object.keys(c).length === 0) return g;
  const node = parse(c as Condition);
  if (!node) return null;
  if (node.kind === 'group') return node;
  g.items = [node];
  return g;
}

function parse(c: Condition): Rule | Group | null {
  const base = { kind: 'rule' as const, values: [] as string[], lo: '', hi: '' };
  if (Array.isArray(c.all) || Array.isArray(c.any)) {
    const match = Array.isArray(c.all) ? 'all' : 'any';
    const items = (c[match] as Condition[]).map(parse);
    if (items.some((i) => i === null)) return null;
    return { kind: 'group', match, negate: false, items: items as (Rule | Group)[] };
  }
  if (c.not && typeof c.not === 'object') {
    const inner = c.not as Condition;
    if (typeof inner.attr === 'string' && Array.isArray(inner.in)) return { ...base, attr: inner.attr, op: 'not_in', values: inner.in.map(String) };
    const n = parse(inner);
    if (!n) return null;
    if (n.kind === 'group') return { ...n, negate: !n.negate };
    return { kind: 'group', match: 'all', negate: true, items: [n] };
  }
  if (typeof c.channel === 'string') return { ...base, attr: CHANNEL_ATTR, op: 'channel', values: [c.channel] };
  if (typeof c.attr !== 'string') return null;
  const attr = c.attr;
  if (Array.isArray(c.in)) return { ...base, attr, op: 'in', values: c.in.map(String) };
  if (c.has !== undefined) return { ...base, attr, op: 'has', values: [String(c.has)] };
  if (Array.isArray(c.between)) return { ...base, attr, op: 'between', lo: String(c.between[0]), hi: String(c.between[1]) };
  if (Array.isArray(c.age_between) && c.on === undefined) return { ...base, attr, op: 'age_between', lo: String(c.age_between[0]), hi: String(c.age_between[1]) };
  if (typeof c.exists === 'boolean') return { ...base, attr, op: c.exists ? 'exists' : 'missing' };
  return null;
}

/** {label} variables the messages may use (every attribute but staff tags), as the server allows. */
export function variableNames(defs: AttrDef[]): string[] {
  return defs.filter((d) => d.type !== 'tag').map((d) => d.label);
}

/** Names between braces in a text that are not variables (the server refuses them). */
export function unknownVariables(text: string, defs: AttrDef[]): string[] {
  const known = new Set(variableNames(defs));
  const out: string[] = [];
  for (const m of text.matchAll(/\{([^{}\r\n]{1,40})\}/g)) if (!known.has(m[1]) && !out.includes(m[1])) out.push(m[1]);
  return out;
}
