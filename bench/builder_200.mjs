// Issue 11: a 200-step service opens, validates and draws its flow in the browser under 1 s.
// Creates a valid 200-step draft (choices that branch, nested branch conditions, text, dates),
// then opens /console/services/:id/edit N times and reports, as medians:
//   open+graph   navigation start → 200 list rows, 201 graph nodes and the validator's answer shown
//   open (list)  the same with the flow view closed (comparable with builds that have no graph)
//   validate     POST /api/services/validate of the draft (round trip from node)
// plus the renderer's main-thread CPU (CDP TaskDuration/ScriptDuration) of one open+graph.
// Needs a server (see bench/builder_200.sh). Not a test: it asserts nothing and prints figures.
import { readFileSync, readdirSync } from 'node:fs';
import { config, launch, newPage } from '../tests/e2e/lib.mjs';

// CPU time (utime+stime, ms) of every process below `root`: the browser and its renderers, GPU
// and network processes. Wall time on a shared, loaded machine says little; this says what it cost.
function tree(root) {
  const kids = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(f[1]);
      if (!kids.has(ppid)) kids.set(ppid, []);
      kids.get(ppid).push({ pid: Number(d), cpu: (Number(f[11]) + Number(f[12])) * 10 });
    } catch { /* gone */ }
  }
  let sum = 0;
  const todo = [root];
  while (todo.length) { const p = todo.pop(); for (const k of kids.get(p) ?? []) { sum += k.cpu; todo.push(k.pid); } }
  return sum;
}

const RUNS = Number(process.env.BENCH_RUNS || 5);
const STEPS = 200;

function draft() {
  const steps = [];
  let k = 0;
  while (steps.length < STEPS - 2) {
    const g = `g${k++}`;
    steps.push(
      { id: `${g}-kind`, kind: 'choice', label: `種類${k}`, text: 'どれですか。', choices: [{ value: 'a', label: 'ア', next: `${g}-date` }, { value: 'b', label: 'イ' }] },
      { id: `${g}-name`, kind: 'text', label: `名前${k}`, text: '名前は？', format: 'kana', max_length: 30 },
      { id: `${g}-date`, kind: 'date', label: `日付${k}`, text: '日付は？', min: '-100y', max: 'today' },
      { id: `${g}-num`, kind: 'text', label: `数${k}`, text: '数は？', format: 'number', min: 0, max: 99 },
      { id: `${g}-check`, kind: 'branch', cases: [
        { when: { all: [{ answer: `${g}-kind`, op: 'eq', value: 'a' }, { not: { any: [{ answer: `${g}-date`, op: 'age_gte', value: 65 }, { answer: `${g}-num`, op: 'gt', value: 10 }] } }] }, next: `${g}-note` },
      ], default: `${g}-note` },
      { id: `${g}-note`, kind: 'message', text: `ここまでで${k}組目です。` },
    );
  }
  steps.length = STEPS - 2;
  // A cut group may end on a branch whose target was cut: point the last steps forward.
  for (const s of steps) {
    const ids = new Set(steps.map((x) => x.id));
    if (s.cases) { for (const c of s.cases) if (!ids.has(c.next)) c.next = 'confirm'; if (!ids.has(s.default)) s.default = 'confirm'; }
    for (const ch of s.choices ?? []) if (ch.next && !ids.has(ch.next)) ch.next = 'confirm';
  }
  steps.push({ id: 'confirm', kind: 'confirm' }, { id: 'submit', kind: 'submit', text: '受け付けました。{{receipt_number}}' });
  return { format: 'madoguchi.service/1', service_key: 'bench-200-steps', title: '200ステップの確認', category: 'テスト', steps };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const browser = await launch();
try {
  const { context, page } = await newPage(browser, { viewport: { width: 1280, height: 900 } });
  const r = await context.request.post('/api/login', { data: { tenant: config.tenant, email: config.email, password: config.password } });
  const csrf = (await r.json()).csrf_token;
  const created = await context.request.post('/api/services', { data: { definition: draft() }, headers: { 'x-csrf-token': csrf } });
  if (!created.ok()) throw new Error(`create: ${created.status()} ${await created.text()}`);
  const id = (await created.json()).id;
  const url = `/console/services/${id}/edit`;
  await page.goto('/console');

  const open = async (flow, cpu) => {
    await page.evaluate((f) => localStorage.setItem('mg_builder_flow', f ? '1' : '0'), flow);
    const c0 = tree(process.pid);
    await page.goto(url);
    await page.waitForFunction(({ n, flow }) => {
      const validated = ['saved', 'invalid'].includes(document.querySelector('[data-testid=save-status]')?.dataset.state ?? '');
      const rows = document.querySelectorAll('[data-testid=builder-step]').length === n;
      const nodes = !flow || document.querySelectorAll('[data-testid=flow-graph] .react-flow__node').length > 0;
      return validated && rows && nodes;
    }, { n: STEPS, flow }, { polling: 'raf', timeout: 30000 });
    const wall = await page.evaluate(() => performance.now());
    cpu?.push(tree(process.pid) - c0);
    return wall;
  };

  const graphRuns = [], listRuns = [], graphCpu = [], listCpu = [];
  // BENCH_NO_GRAPH=1 for a build without the flow view (e.g. main before it), to compare the list-only open.
  const graphSupported = !process.env.BENCH_NO_GRAPH;
  if (graphSupported) await open(true);
  for (let i = 0; i < RUNS && graphSupported; i++) graphRuns.push(await open(true, graphCpu));
  await open(false);
  for (let i = 0; i < RUNS; i++) listRuns.push(await open(false, listCpu));

  let cpu = null;
  if (graphSupported) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const m = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((x) => [x.name, x.value]));
    // Metrics reset on navigation, so measure inside the page: open the flow view (its chunk
    // loads), close it, then time reopening it: layout + React Flow's first render of 201 nodes.
    const nodes = (n) => page.waitForFunction((k) => { const n = document.querySelectorAll('[data-testid=flow-graph] .react-flow__node').length; return k < 0 ? n > 0 : n === k; }, n, { polling: 'raf' });
    await page.getByTestId('flow-toggle').click();
    await nodes(-1);
    await page.getByTestId('flow-toggle').click();
    await nodes(0);
    const before = await m();
    if (process.env.BENCH_PROFILE) { await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 200 }); await cdp.send('Profiler.start'); }
    const t0 = await page.evaluate(() => performance.now());
    await page.getByTestId('flow-toggle').click();
    await nodes(-1);
    const t1 = await page.evaluate(() => performance.now());
    const after = await m();
    if (process.env.BENCH_PROFILE) {
      // Self time by function, to see where opening the flow view goes.
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map();
      const dt = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);
      const byId = new Map(profile.nodes.map((n) => [n.id, n]));
      for (const id of profile.samples) {
        const f = byId.get(id).callFrame;
        const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
        self.set(key, (self.get(key) ?? 0) + dt);
      }
      console.error([...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(1).padStart(7)} ms  ${k}`).join('\n'));
    }
    cpu = { toggleMs: t1 - t0, taskMs: (after.TaskDuration - before.TaskDuration) * 1000, scriptMs: (after.ScriptDuration - before.ScriptDuration) * 1000 };
  }

  const body = JSON.stringify({ definition: draft() });
  const validate = [];
  for (let i = 0; i < 10; i++) {
    const t0 = performance.now();
    const v = await context.request.post('/api/services/validate', { data: body, headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' } });
    if (!v.ok()) throw new Error(`validate: ${v.status()}`);
    validate.push(performance.now() - t0);
    if (i === 0) { const c = await v.json(); if (!c.ok) throw new Error(`the bench draft is not valid: ${JSON.stringify(c.errors.slice(0, 3))}`); }
  }
  const fmt = (x) => (x == null ? 'n/a' : `${x.toFixed(0)} ms`);
  console.log(JSON.stringify({
    steps: STEPS, runs: RUNS, loadavg: (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim(),
    open_graph_median: graphSupported ? fmt(median(graphRuns)) : 'n/a (no flow view)', open_graph_all: graphRuns.map((x) => Math.round(x)),
    open_graph_browser_cpu_median: graphSupported ? fmt(median(graphCpu)) : 'n/a',
    open_list_median: fmt(median(listRuns)), open_list_all: listRuns.map((x) => Math.round(x)),
    open_list_browser_cpu_median: fmt(median(listCpu)),
    flow_toggle: cpu && { wall: fmt(cpu.toggleMs), renderer_task_cpu: fmt(cpu.taskMs), renderer_script_cpu: fmt(cpu.scriptMs) },
    validate_rtt_median: fmt(median(validate)),
  }, null, 1));
  await context.close();
} finally { await browser.close(); }
