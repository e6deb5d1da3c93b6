// The builder's flow view as plain data: a draft becomes nodes (one per step, plus the end) and
// edges (where each choice, case, default and plain next leads), laid out in layers from the
// start. Pure, so the rules mirror the server's `successors` (src/conversation/kinds) and are
// unit-tested here; FlowGraph.tsx only draws the result.
import { linkSlots, slotKey, type Cond, type Definition, type StepDef, type StepKind } from './model';

export const END_NODE = '__end__';
export const END_STEP = 'end';

export type EdgeKind = 'next' | 'choice' | 'case' | 'default' | 'retry';
/** Why an edge exists; several reasons between the same two nodes share one edge. */
export interface EdgeReason { kind: EdgeKind; choice?: string; choiceIndex?: number; caseIndex?: number; when?: Cond }
export interface FlowNode {
  id: string; index: number; kind: StepKind | 'end'; name: string;
  reachable: boolean; start: boolean; layer: number; x: number; y: number;
  /** Source handles, left to right: one per exit staff can point somewhere (model.ts linkSlots). */
  slots: string[];
}
/** Where an edge's words go: a row in the free band under its source, so no label ever covers a node. */
export interface LabelBox { x: number; y: number; w: number; h: number; align: 'start' | 'center' | 'end' }
export interface FlowEdge {
  id: string; source: string; target: string; reasons: EdgeReason[]; back: boolean;
  /** The source handle the edge leaves from (the first reason's slot). */
  handle: string;
  /** Has words (a choice, condition, default, retry, or "the other choices"); then `label` is its box. */
  labelled: boolean; label?: LabelBox;
  /** Height of the edge's horizontal run, below the labels of its source's layer (forward edges). */
  bendY?: number;
}
export interface FlowGraphData { nodes: FlowNode[]; edges: FlowEdge[]; width: number; height: number }

export const NODE_W = 220;
export const NODE_H = 64;
const GAP_X = 40;
const GAP_Y = 56;
/** Label rows: each row's height (the label is LABEL_H - 2 tall), the space above the first and below the last. */
export const LABEL_H = 22;
const LABEL_TOP = 6;
const LABEL_BOTTOM = 24;

/** The handle an exit leaves from (a lookup's retry shares its next's handle). */
export function slotOfReason(r: EdgeReason): string {
  switch (r.kind) {
    case 'choice': return `choice-${r.choiceIndex ?? 0}`;
    case 'case': return `case-${r.caseIndex ?? 0}`;
    case 'default': return 'default';
    case 'next': case 'retry': return 'next';
  }
}

export function stepName(s: StepDef): string {
  return s.label || (s.text ? s.text.split('\n')[0].slice(0, 24) : '') || s.id;
}

/** Where a step may lead, with why: the same rules as the server's validator. */
export interface Successor { target: string; reason: EdgeReason }
export function successorsOf(def: Definition, index: number): Successor[] {
  const s = def.steps[index];
  const following = index + 1 < def.steps.length ? def.steps[index + 1].id : END_STEP;
  const plain = s.next || following;
  switch (s.kind) {
    case 'branch': {
      const out: Successor[] = (s.cases ?? []).map((c, i) => ({ target: c.next, reason: { kind: 'case', caseIndex: i, when: c.when } }));
      out.push({ target: s.default || following, reason: { kind: 'default' } });
      return out;
    }
    case 'choice': {
      const choices = s.choices ?? [];
      const routed = !s.multiple ? choices.flatMap((c, i) => (c.next ? [{ c, i }] : [])) : [];
      const out: Successor[] = routed.map(({ c, i }) => ({ target: c.next as string, reason: { kind: 'choice', choice: c.label || c.value, choiceIndex: i } }));
      if (routed.length < choices.length || !choices.length || s.optional) out.push({ target: plain, reason: { kind: 'next' } });
      return out;
    }
    case 'lookup': {
      // On a miss the dialog re-asks `retry`, else the earliest matched question.
      const sources = Object.values(s.match_fields ?? {});
      const idx = def.steps.findIndex((x) => sources.includes(x.id));
      const retry = (s.retry as string | undefined) || (idx >= 0 ? def.steps[idx].id : def.start || def.steps[0]?.id);
      const out: Successor[] = [{ target: plain, reason: { kind: 'next' } }];
      if (retry) out.push({ target: retry, reason: { kind: 'retry' } });
      return out;
    }
    case 'message': case 'text': case 'date': case 'address': case 'photo': case 'location':
    case 'confirm': case 'submit': case 'rating': case 'reserve':
      return [{ target: plain, reason: { kind: 'next' } }];
  }
}

/** Nodes and edges of the draft, laid out top to bottom: a step sits one layer below the lowest step leading to it (back edges of loops ignored). */
export function flowGraph(def: Definition): FlowGraphData {
  const steps = def.steps;
  const indexOf = new Map<string, number>();
  steps.forEach((s, i) => { if (!indexOf.has(s.id)) indexOf.set(s.id, i); });
  const END = steps.length; // the end node's index in the adjacency lists
  const resolve = (t: string): number | undefined => (t === END_STEP ? END : indexOf.get(t));

  // Adjacency with reasons merged per (source, target); unknown targets are the validator's to report.
  const out: number[][] = steps.map(() => []);
  const edgeMap = new Map<string, FlowEdge>();
  steps.forEach((_, i) => {
    for (const { target, reason } of successorsOf(def, i)) {
      const j = resolve(target);
      if (j === undefined) continue;
      const key = `${i}>${j}`;
      const e = edgeMap.get(key);
      if (e) { e.reasons.push(reason); continue; }
      edgeMap.set(key, {
        id: `e-${steps[i].id}-${j === END ? END_NODE : steps[j].id}`, source: steps[i].id, target: j === END ? END_NODE : steps[j].id,
        reasons: [reason], back: false, handle: slotOfReason(reason), labelled: false,
      });
      out[i].push(j);
    }
  });

  // Reachability from the start, as the validator's `unreachable` finding.
  const startIndex = def.start !== undefined ? indexOf.get(def.start) ?? -1 : steps.length ? 0 : -1;
  const reachable = new Array<boolean>(END + 1).fill(false);
  const todo = startIndex >= 0 ? [startIndex] : [];
  if (startIndex >= 0) reachable[startIndex] = true;
  while (todo.length) {
    const i = todo.pop() as number;
    if (i === END) continue;
    for (const j of out[i]) if (!reachable[j]) { reachable[j] = true; todo.push(j); }
  }

  // Back edges: an iterative DFS from the start, then from every step not yet seen (list order).
  const state = new Uint8Array(END + 1); // 0 new, 1 on stack, 2 done
  const back = new Set<string>();
  const order: number[] = []; // post-order
  const roots = [...(startIndex >= 0 ? [startIndex] : []), ...steps.map((_, i) => i)];
  for (const root of roots) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [i, k] = top;
      const next = i === END ? undefined : out[i][k];
      if (next === undefined) { state[i] = 2; order.push(i); stack.pop(); continue; }
      top[1]++;
      if (state[next] === 1) back.add(`${i}>${next}`);
      else if (state[next] === 0) { state[next] = 1; stack.push([next, 0]); }
    }
  }
  if (!state[END]) order.push(END);

  // Longest-path layers over the acyclic rest, in topological (reverse post-) order.
  const layer = new Array<number>(END + 1).fill(0);
  for (let n = order.length - 1; n >= 0; n--) {
    const i = order[n];
    if (i === END) continue;
    for (const j of out[i]) if (!back.has(`${i}>${j}`)) layer[j] = Math.max(layer[j], layer[i] + 1);
  }
  // The end sits below everything, so every path visibly finishes at the bottom.
  layer[END] = Math.max(0, ...layer.slice(0, END).map((l, i) => (out[i].includes(END) ? l + 1 : l)));

  // Within a layer, list order; each layer centred on the widest.
  const rows = new Map<number, number[]>();
  for (let i = 0; i <= END; i++) { const r = rows.get(layer[i]) ?? []; r.push(i); rows.set(layer[i], r); }
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const width = widest * NODE_W + (widest - 1) * GAP_X;
  const x = new Array<number>(END + 1).fill(0);
  for (const r of rows.values()) {
    const rowWidth = r.length * NODE_W + (r.length - 1) * GAP_X;
    r.forEach((i, k) => { x[i] = (width - rowWidth) / 2 + k * (NODE_W + GAP_X); });
  }

  // Which edges carry words: every reason but a plain next, which is worded ("the other choices")
  // only beside a choice's own routes. Their rows under the source follow the handles, left to right.
  const slots = steps.map((s) => linkSlots(s).map(slotKey));
  const edgesOf: FlowEdge[][] = steps.map(() => []);
  for (const [key, e] of edgeMap) {
    const i = Number(key.slice(0, key.indexOf('>')));
    edgesOf[i].push(e);
  }
  const labelRows = steps.map(() => 0);
  edgesOf.forEach((list, i) => {
    const routed = list.some((e) => e.reasons.some((r) => r.kind === 'choice'));
    const worded = list.filter((e) => {
      e.labelled = e.reasons.some((r) => r.kind !== 'next') || routed;
      return e.labelled;
    });
    worded.sort((a, b) => slots[i].indexOf(a.handle) - slots[i].indexOf(b.handle));
    labelRows[i] = worded.length;
    worded.forEach((e, row) => { e.label = { x: 0, y: row, w: 0, h: 0, align: 'center' }; }); // placed below, once rows have heights
  });

  // Rows of nodes, each followed by a gap tall enough for the most labels any of its steps has.
  const top = Math.max(...layer);
  const layerRows = new Array<number>(top + 1).fill(0);
  steps.forEach((_, i) => { layerRows[layer[i]] = Math.max(layerRows[layer[i]], labelRows[i]); });
  const gapBelow = layerRows.map((r) => (r ? Math.max(GAP_Y, LABEL_TOP + r * LABEL_H + LABEL_BOTTOM) : GAP_Y));
  const layerY = new Array<number>(top + 1).fill(0);
  for (let l = 1; l <= top; l++) layerY[l] = layerY[l - 1] + NODE_H + gapBelow[l - 1];

  // A label spans its source's column (the node and half the gap each side), so labels of
  // neighbours never meet; it leans toward its handle. Forward edges turn below the labels.
  edgesOf.forEach((list, i) => {
    const bottom = layerY[layer[i]] + NODE_H;
    const labels = layerRows[layer[i]] * LABEL_H;
    const bend = bottom + (labels ? LABEL_TOP + labels + (gapBelow[layer[i]] - LABEL_TOP - labels) / 2 : gapBelow[layer[i]] / 2);
    for (const e of list) {
      const at = (slots[i].indexOf(e.handle) + 1) / (slots[i].length + 1);
      if (e.label) {
        e.label = {
          x: x[i] - GAP_X / 2 + 2, y: bottom + LABEL_TOP + e.label.y * LABEL_H, w: NODE_W + GAP_X - 4, h: LABEL_H - 2,
          align: slots[i].length < 2 || (at > 1 / 3 && at < 2 / 3) ? 'center' : at <= 1 / 3 ? 'start' : 'end',
        };
      }
      const j = resolve(e.target === END_NODE ? END_STEP : e.target);
      if (j !== undefined && layer[j] > layer[i]) e.bendY = bend;
    }
  });

  // A duplicated id (the validator reports it) still gets a node of its own.
  const nodes: FlowNode[] = steps.map((s, i) => ({
    id: indexOf.get(s.id) === i ? s.id : `${s.id}#${i}`, index: i, kind: s.kind, name: stepName(s), reachable: reachable[i], start: i === startIndex,
    layer: layer[i], x: x[i], y: layerY[layer[i]], slots: slots[i],
  }));
  nodes.push({ id: END_NODE, index: -1, kind: 'end', name: '', reachable: reachable[END], start: false, layer: layer[END], x: x[END], y: layerY[layer[END]], slots: [] });
  const edges = [...edgeMap.entries()].map(([key, e]) => ({ ...e, back: back.has(key) }));
  const height = layerY[top] + NODE_H;
  return { nodes, edges, width, height };
}
