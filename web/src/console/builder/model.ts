// The service builder's model: the definition as plain data plus pure edits on it, so the
// editor's undo/redo is a stack of values and every edit is unit-testable. The server's
// validator stays the one judge of what is valid (POST /api/services/validate).

export type StepKind = 'message' | 'choice' | 'text' | 'date' | 'address' | 'photo' | 'location' | 'branch'
  | 'lookup' | 'confirm' | 'submit' | 'rating' | 'reserve';
export const STEP_KINDS: StepKind[] = ['message', 'choice', 'text', 'date', 'address', 'photo', 'location', 'branch',
  'lookup', 'confirm', 'submit', 'rating', 'reserve'];

export interface ChoiceDef { value: string; label: string; short_label?: string; fee?: number; next?: string }
export interface Cond { answer?: string; op?: string; value?: unknown; all?: Cond[]; any?: Cond[]; not?: Cond }
export interface CaseDef { when: Cond; next: string }
export interface StepDef {
  id: string; kind: StepKind; text?: string; label?: string; hint?: string; optional?: boolean; next?: string;
  choices?: ChoiceDef[]; multiple?: boolean;
  format?: string; min_length?: number; max_length?: number; min?: number | string; max?: number | string; unit_fee?: number;
  ask_postal_code?: boolean; cases?: CaseDef[]; default?: string;
  list?: string; match_fields?: Record<string, string>; on_fail?: string; ask_party?: boolean;
  [k: string]: unknown;
}
export interface Definition {
  format: string; service_key: string; title: string; department?: string; category?: string; description?: string;
  available?: { from?: string; to?: string }; fee?: number; start?: string; steps: StepDef[];
  completion_message?: string; [k: string]: unknown;
}
export interface Finding { step_id: string; field: string; code: string; message: string; fix: string }
export interface Check { ok: boolean; errors: Finding[]; warnings: Finding[] }

export const FORMAT = 'madoguchi.service/1';

export function blankDefinition(serviceKey: string, title: string, department: string): Definition {
  return {
    format: FORMAT, service_key: serviceKey, title, department, steps: [
      { id: 'intro', kind: 'message', text: `${title}の申請を始めます。` },
      { id: 'confirm', kind: 'confirm' },
      { id: 'submit', kind: 'submit' },
    ],
  };
}

/** A step id not yet used: the kind's name, then kind-2, kind-3… */
export function newStepId(def: Definition, kind: StepKind): string {
  const used = new Set(def.steps.map((s) => s.id));
  if (!used.has(kind)) return kind;
  for (let n = 2; ; n++) if (!used.has(`${kind}-${n}`)) return `${kind}-${n}`;
}

export function newStep(def: Definition, kind: StepKind): StepDef {
  const id = newStepId(def, kind);
  switch (kind) {
    case 'choice': return { id, kind, text: '', choices: [{ value: 'c1', label: '' }, { value: 'c2', label: '' }] };
    case 'branch': return { id, kind, cases: [] };
    case 'text': return { id, kind, text: '', format: 'free' };
    case 'lookup': return { id, kind, list: '', match_fields: {} };
    case 'confirm': case 'submit': return { id, kind };
    case 'message': case 'date': case 'address': case 'photo': case 'location': case 'rating': case 'reserve':
      return { id, kind, text: '' };
  }
}

/** Inserts before the first confirm/submit when adding a question, so new questions land where they are asked. */
export function addStep(def: Definition, kind: StepKind, at?: number): { def: Definition; index: number } {
  const step = newStep(def, kind);
  let index = at ?? def.steps.findIndex((s) => s.kind === 'confirm' || s.kind === 'submit');
  if (index < 0 || kind === 'confirm' || kind === 'submit') index = at ?? def.steps.length;
  const steps = [...def.steps];
  steps.splice(index, 0, step);
  return { def: { ...def, steps }, index };
}

export function moveStep(def: Definition, index: number, delta: number): Definition {
  const to = index + delta;
  if (index < 0 || index >= def.steps.length || to < 0 || to >= def.steps.length) return def;
  const steps = [...def.steps];
  const [s] = steps.splice(index, 1);
  steps.splice(to, 0, s);
  return { ...def, steps };
}

export function duplicateStep(def: Definition, index: number): Definition {
  const src = def.steps[index];
  if (!src) return def;
  const copy: StepDef = JSON.parse(JSON.stringify(src));
  copy.id = newStepId(def, src.kind);
  if (copy.label) copy.label = `${copy.label}（コピー）`;
  const steps = [...def.steps];
  steps.splice(index + 1, 0, copy);
  return { ...def, steps };
}

/** Removes a step and every reference to it (next, choice next, branch targets), so none dangles. */
export function removeStep(def: Definition, index: number): Definition {
  const gone = def.steps[index]?.id;
  if (gone === undefined) return def;
  const clear = (t?: string) => (t === gone ? undefined : t);
  const steps = def.steps.filter((_, i) => i !== index).map((s) => {
    const c: StepDef = { ...s, next: clear(s.next) };
    if (c.next === undefined) delete c.next;
    if (s.choices) c.choices = s.choices.map((ch) => { const o = { ...ch, next: clear(ch.next) }; if (o.next === undefined) delete o.next; return o; });
    if (s.cases) c.cases = s.cases.filter((k) => k.next !== gone);
    if (s.default === gone) delete c.default;
    return c;
  });
  const out = { ...def, steps };
  if (out.start === gone) delete out.start;
  return out;
}

/** Renames a step id everywhere it is referenced. */
export function renameStep(def: Definition, from: string, to: string): Definition {
  const r = (t?: string) => (t === from ? to : t);
  const renameCond = (c: Cond): Cond => ({
    ...c, ...(c.answer !== undefined ? { answer: r(c.answer) } : {}),
    ...(c.all ? { all: c.all.map(renameCond) } : {}), ...(c.any ? { any: c.any.map(renameCond) } : {}),
    ...(c.not ? { not: renameCond(c.not) } : {}),
  });
  const steps = def.steps.map((s) => {
    const c: StepDef = { ...s, id: s.id === from ? to : s.id };
    if (s.next !== undefined) c.next = r(s.next);
    if (s.default !== undefined) c.default = r(s.default);
    if (s.choices) c.choices = s.choices.map((ch) => (ch.next !== undefined ? { ...ch, next: r(ch.next) } : ch));
    if (s.cases) c.cases = s.cases.map((k) => ({ when: renameCond(k.when), next: r(k.next) ?? k.next }));
    if (s.match_fields) c.match_fields = Object.fromEntries(Object.entries(s.match_fields).map(([k, v]) => [k, r(v) ?? v]));
    return c;
  });
  return { ...def, steps, ...(def.start !== undefined ? { start: r(def.start) } : {}) };
}

export function updateStep(def: Definition, index: number, patch: Partial<StepDef>): Definition {
  const steps = def.steps.map((s, i) => {
    if (i !== index) return s;
    const c: StepDef = { ...s, ...patch };
    // Empty values mean "not set": the definition format has defaults for them.
    for (const k of Object.keys(patch)) if (c[k] === undefined || c[k] === '') delete c[k];
    return c;
  });
  return { ...def, steps };
}

/** Findings of one step (or service-level ones for ''), optionally of one field (prefix match: "choices[0]" covers "choices[0].label"). */
export function findingsFor(check: Check | null, stepId: string, field?: string): Finding[] {
  if (!check) return [];
  const all = [...check.errors, ...check.warnings];
  return all.filter((f) => f.step_id === stepId && (field === undefined || f.field === field || f.field.startsWith(`${field}.`) || f.field.startsWith(`${field}[`)));
}

/** Undo/redo over definition values, capped so a long session does not grow without bound. */
export interface History { past: Definition[]; present: Definition; future: Definition[] }
export const HISTORY_LIMIT = 100;
export function historyPush(h: History, next: Definition): History {
  if (next === h.present) return h;
  return { past: [...h.past, h.present].slice(-HISTORY_LIMIT), present: next, future: [] };
}
export function historyUndo(h: History): History {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}
export function historyRedo(h: History): History {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}

export const OPERATORS: { op: string; needs: 'choice' | 'number' | 'date' | 'any' | 'multi' }[] = [
  { op: 'eq', needs: 'any' }, { op: 'ne', needs: 'any' }, { op: 'contains', needs: 'multi' },
  { op: 'gte', needs: 'number' }, { op: 'lte', needs: 'number' }, { op: 'gt', needs: 'number' }, { op: 'lt', needs: 'number' },
  { op: 'age_gte', needs: 'date' }, { op: 'age_lt', needs: 'date' }, { op: 'answered', needs: 'any' },
];

/** Operators that fit the answer of `step` (the validator's rules, so the drop-down offers only valid ones). */
export function operatorsFor(step: StepDef | undefined): string[] {
  if (!step) return [];
  const number = (step.kind === 'text' && step.format === 'number') || step.kind === 'rating';
  const ops: string[] = [];
  if (step.kind === 'choice' && step.multiple) ops.push('contains');
  else ops.push('eq', 'ne');
  if (number) ops.push('gte', 'lte', 'gt', 'lt');
  if (step.kind === 'date') ops.push('gte', 'lte', 'age_gte', 'age_lt');
  ops.push('answered');
  return ops;
}

/** Steps whose answers a condition may test: questions listed before `index`. */
export function answerableBefore(def: Definition, index: number): StepDef[] {
  const q: StepKind[] = ['choice', 'text', 'date', 'address', 'photo', 'location', 'rating'];
  return def.steps.slice(0, index).filter((s) => q.includes(s.kind));
}

/** One place a step leads: its plain next, a choice's next, a condition's target or a branch's default. */
export type LinkSlot = { kind: 'next' } | { kind: 'default' } | { kind: 'choice'; index: number } | { kind: 'case'; index: number };

/** A slot as a string (the graph's handle id). */
export function slotKey(s: LinkSlot): string {
  return s.kind === 'choice' || s.kind === 'case' ? `${s.kind}-${s.index}` : s.kind;
}
export function parseSlot(key: string | null | undefined): LinkSlot | null {
  if (key === 'next' || key === 'default') return { kind: key };
  const m = /^(choice|case)-(\d+)$/.exec(key ?? '');
  return m ? { kind: m[1] as 'choice' | 'case', index: Number(m[2]) } : null;
}

/**
 * The exits staff can point somewhere, in the list editor's order. A branch leads by its
 * conditions and default (its own next is not used); a single choice by each choice and, while
 * some choice has no target of its own (or the question may be skipped), by its next; a multiple
 * choice only by its next (the engine ignores per-choice targets there).
 */
export function linkSlots(step: StepDef): LinkSlot[] {
  if (step.kind === 'branch') return [...(step.cases ?? []).map((_, index) => ({ kind: 'case' as const, index })), { kind: 'default' }];
  if (step.kind === 'choice' && !step.multiple) {
    const choices = step.choices ?? [];
    const out: LinkSlot[] = choices.map((_, index) => ({ kind: 'choice' as const, index }));
    if (!choices.length || step.optional || choices.some((c) => !c.next)) out.push({ kind: 'next' });
    return out;
  }
  return [{ kind: 'next' }];
}

/** Where a slot explicitly leads (undefined: the format's default, the following step). */
export function linkOf(step: StepDef, slot: LinkSlot): string | undefined {
  switch (slot.kind) {
    case 'next': return step.next || undefined;
    case 'default': return step.default || undefined;
    case 'choice': return step.choices?.[slot.index]?.next || undefined;
    case 'case': return step.cases?.[slot.index]?.next || undefined;
  }
}

/** Whether a slot's link can be taken away: a condition always leads somewhere (remove the condition instead). */
export function canUnlink(step: StepDef, slot: LinkSlot): boolean {
  return slot.kind !== 'case' && linkOf(step, slot) !== undefined;
}

/**
 * Points one exit of step `index` at `target` (a step id or "end"), or with undefined takes the
 * explicit link away so the step falls back to the following one, as the list editor's
 * "次のステップ（並び順）" does. Edits the format's rules do not allow (a step leading to itself,
 * an unknown target, a slot the step does not have, a condition without a target) and edits
 * that change nothing return `def` itself, so they leave no undo entry.
 */
export function setLink(def: Definition, index: number, slot: LinkSlot, target: string | undefined): Definition {
  const step = def.steps[index];
  if (!step || !linkSlots(step).some((s) => slotKey(s) === slotKey(slot))) return def;
  if (target !== undefined && (target === step.id || (target !== 'end' && !def.steps.some((s) => s.id === target)))) return def;
  if (target === undefined && !canUnlink(step, slot)) return def;
  if (linkOf(step, slot) === target) return def;
  switch (slot.kind) {
    case 'next': return updateStep(def, index, { next: target });
    case 'default': return updateStep(def, index, { default: target });
    case 'choice': return updateStep(def, index, {
      choices: (step.choices ?? []).map((c, i) => {
        if (i !== slot.index) return c;
        const o: ChoiceDef = { ...c, next: target };
        if (o.next === undefined) delete o.next;
        return o;
      }),
    });
    case 'case': return updateStep(def, index, { cases: (step.cases ?? []).map((c, i) => (i === slot.index ? { ...c, next: target as string } : c)) });
  }
}
