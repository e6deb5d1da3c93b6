// Flow tests as staff edit them (one answer per line, expectations from drop-downs) and as the
// server stores them (src/services/flow_checks.h). Pure, so the mapping is unit-tested.

export interface FlowTest {
  name: string;
  answers: (string | Record<string, unknown>)[];
  expect: { submitted?: boolean; fee?: number; step?: string; fields?: Record<string, string> };
}

export interface FlowTestResult {
  name: string; ok: boolean; failures: string[]; step: string; submitted: boolean; fee: number; answered: number;
}
export interface FlowTestRun { passed: number; failed: number; results: FlowTestResult[] }

/** The form's view of a test: answers as lines; "" for expectations left open. */
export interface FlowTestForm {
  name: string;
  answers: string;
  submitted: '' | 'yes' | 'no';
  fee: string;
  step: string; // '' = not checked, 'end' = the dialog ended, else a step id
  fields: { step: string; value: string }[];
}

export function blankForm(n: number): FlowTestForm {
  return { name: `テスト${n}`, answers: '', submitted: 'yes', fee: '', step: '', fields: [] };
}

export function toForm(t: FlowTest): FlowTestForm {
  const e = t.expect ?? {};
  return {
    name: t.name,
    // Structured answers (recorded taps) are shown by their value; typed text as is.
    answers: (t.answers ?? []).map((a) => (typeof a === 'string' ? a : String(a.value ?? a.text ?? ''))).join('\n'),
    submitted: e.submitted === undefined ? '' : e.submitted ? 'yes' : 'no',
    fee: e.fee === undefined ? '' : String(e.fee),
    step: e.step === undefined ? '' : e.step === '' ? 'end' : e.step,
    fields: Object.entries(e.fields ?? {}).map(([step, value]) => ({ step, value })),
  };
}

export function fromForm(f: FlowTestForm): FlowTest {
  const expect: FlowTest['expect'] = {};
  if (f.submitted) expect.submitted = f.submitted === 'yes';
  const fee = f.fee.trim();
  if (fee !== '' && /^\d+$/.test(fee)) expect.fee = Number(fee);
  if (f.step) expect.step = f.step === 'end' ? '' : f.step;
  const fields = f.fields.filter((x) => x.step);
  if (fields.length) expect.fields = Object.fromEntries(fields.map((x) => [x.step, x.value]));
  return {
    name: f.name.trim(),
    answers: f.answers.split('\n').map((l) => l.trim()).filter((l) => l !== ''),
    expect,
  };
}

/** Names of the failing tests of a run, for the publish warning. */
export function failingNames(run: FlowTestRun | null): string[] {
  return run ? run.results.filter((r) => !r.ok).map((r) => r.name) : [];
}
