// "このステップから試す": answers that take the preview from the start to a chosen step, picked
// from each question the engine asks (the server replays them; nothing is stored). Choices are
// picked so the route can still reach the step; other questions get a plain valid sample.
import type { Input, Prompt, QuestionPrompt } from '../../chat/prompts';
import type { Definition, StepDef } from './model';

/** Where a step can lead (its choices, cases, next or the following step); 'end' leads nowhere. */
export function successors(def: Definition, s: StepDef): string[] {
  const i = def.steps.indexOf(s);
  const following = def.steps[i + 1]?.id;
  const next = s.next ?? following;
  const out: (string | undefined)[] = [];
  if (s.kind === 'branch') out.push(...(s.cases ?? []).map((c) => c.next), s.default ?? following);
  else if (s.kind === 'choice' && !s.multiple) out.push(...(s.choices ?? []).map((c) => c.next ?? next));
  else if (s.kind !== 'submit') out.push(next);
  return out.filter((x): x is string => Boolean(x) && x !== 'end');
}

export function canReach(def: Definition, from: string | undefined, target: string): boolean {
  const seen = new Set<string>();
  const queue = from ? [from] : [];
  while (queue.length) {
    const id = queue.shift()!;
    if (id === target) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    const s = def.steps.find((x) => x.id === id);
    if (s) queue.push(...successors(def, s));
  }
  return false;
}

function sampleText(q: QuestionPrompt, step: StepDef | undefined): string {
  switch (q.format) {
    case 'kana': return 'ヤマダ タロウ';
    case 'email': return 'taro@example.jp';
    case 'phone': return '0312345678';
    case 'postal_code': return '1000001';
    case 'number': return String(q.min ?? step?.min ?? 1);
    default: {
      if (step?.kind === 'address') return '千代田1-1';
      const min = q.min_length ?? 0;
      return min > 4 ? 'テ'.repeat(min) : 'テスト';
    }
  }
}

/**
 * The answer to the question of this turn that keeps `target` reachable, or null when none can
 * be made up (a photo to upload). `again`: the step was answered before and is asked again
 * (an address after its postal code).
 */
export function sampleAnswer(def: Definition, prompts: Prompt[], target: string, again: boolean): Input | null {
  const q = prompts.filter((p): p is QuestionPrompt => p.type === 'question').at(-1);
  if (!q) return null;
  const step = def.steps.find((s) => s.id === q.step_id);
  const choices = (q.choices ?? []).filter((c) => !step?.choices || step.choices.some((d) => d.value === c.value));
  switch (q.input) {
    case 'choice':
    case 'multi_choice': {
      const toward = step?.choices?.find((c) => choices.some((x) => x.value === c.value) && canReach(def, c.next ?? step.next ?? def.steps[def.steps.indexOf(step) + 1]?.id, target));
      const value = toward?.value ?? choices[0]?.value;
      if (!value) return null;
      return q.input === 'choice' ? { type: 'choice', value } : { type: 'choices', values: [value] };
    }
    case 'consent':
    case 'confirm':
    case 'rating':
      return q.choices?.[0] ? { type: 'choice', value: q.choices[0].value } : null;
    case 'date':
      return { type: 'date', date: q.max_date ?? q.min_date ?? new Date().toISOString().slice(0, 10) };
    case 'location':
      return { type: 'location', lat: 35.6812, lng: 139.7671 };
    case 'photo':
      return step?.optional ? { type: 'text', text: 'スキップ' } : null;
    case 'text':
      if (step?.kind === 'address' && !again && step.ask_postal_code !== false) return { type: 'text', text: '1000001' };
      return { type: 'text', text: sampleText(q, step) };
  }
  return null;
}

export interface PreviewTurn { step: string; prompts: Prompt[]; done: boolean }

/** Plays from the start until the dialog waits at `target`; at most `limit` answers. */
export async function playTo(def: Definition, target: string, preview: (inputs: Input[]) => Promise<PreviewTurn>, limit = 60):
  Promise<{ inputs: Input[]; reached: boolean; at: string }> {
  const inputs: Input[] = [];
  const asked = new Set<string>();
  let turn = await preview(inputs);
  while (inputs.length < limit) {
    if (turn.step === target) return { inputs, reached: true, at: turn.step };
    if (turn.done || turn.prompts.some((p) => p.type === 'error')) break;
    const answer = sampleAnswer(def, turn.prompts, target, asked.has(turn.step));
    if (!answer) break;
    asked.add(turn.step);
    inputs.push(answer);
    turn = await preview(inputs);
  }
  return { inputs, reached: turn.step === target, at: turn.step };
}
