import { describe, expect, it } from 'vitest';
import { END_NODE, LABEL_H, NODE_H, NODE_W, flowGraph, successorsOf, type FlowGraphData } from './graph';
import type { Definition } from './model';

const def = (steps: Definition['steps'], extra: Partial<Definition> = {}): Definition => ({ format: 'madoguchi.service/1', service_key: 'k', title: 't', steps, ...extra });

describe('flow graph', () => {
  const branching = def([
    { id: 'kind', kind: 'choice', label: '種類', choices: [{ value: 'dog', label: '犬', next: 'dog' }, { value: 'cat', label: '猫', next: 'cat' }] },
    { id: 'dog', kind: 'text', label: '犬の名前' },
    { id: 'cat', kind: 'text', label: '猫の名前', next: 'check' },
    { id: 'check', kind: 'branch', cases: [{ when: { all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { not: { answer: 'dog', op: 'answered' } }] }, next: 'end' }], default: 'confirm' },
    { id: 'orphan', kind: 'message', text: 'だれも来ない' },
    { id: 'confirm', kind: 'confirm' },
    { id: 'submit', kind: 'submit' },
  ]);

  it('has a node per step plus the end, and an edge per choice, case and default', () => {
    const g = flowGraph(branching);
    expect(g.nodes.map((n) => n.id)).toEqual(['kind', 'dog', 'cat', 'check', 'orphan', 'confirm', 'submit', END_NODE]);
    const e = (s: string, t: string) => g.edges.find((x) => x.source === s && x.target === t);
    expect(e('kind', 'dog')?.reasons).toEqual([{ kind: 'choice', choice: '犬', choiceIndex: 0 }]);
    expect(e('kind', 'cat')?.reasons).toEqual([{ kind: 'choice', choice: '猫', choiceIndex: 1 }]);
    // Every choice is routed, so there is no plain "next" out of the choice.
    expect(g.edges.filter((x) => x.source === 'kind')).toHaveLength(2);
    expect(e('dog', 'cat')?.reasons).toEqual([{ kind: 'next' }]);
    expect(e('check', END_NODE)?.reasons[0]).toMatchObject({ kind: 'case', caseIndex: 0 });
    expect(e('check', 'confirm')?.reasons).toEqual([{ kind: 'default' }]);
    expect(e('submit', END_NODE)?.reasons).toEqual([{ kind: 'next' }]);
  });

  it('marks steps no path from the start reaches', () => {
    const g = flowGraph(branching);
    expect(g.nodes.filter((n) => !n.reachable).map((n) => n.id)).toEqual(['orphan']);
    expect(g.nodes.find((n) => n.id === 'kind')?.start).toBe(true);
    // An explicit start makes the steps before it unreachable too.
    const g2 = flowGraph({ ...branching, start: 'cat' });
    expect(g2.nodes.filter((n) => !n.reachable).map((n) => n.id)).toEqual(['kind', 'dog', 'orphan']);
  });

  it('lays out branches side by side and joins below both, loops not pushing layers down', () => {
    const g = flowGraph(branching);
    const n = (id: string) => g.nodes.find((x) => x.id === id)!;
    expect(n('kind').layer).toBe(0);
    expect(n('dog').layer).toBe(1);
    expect(n('cat').layer).toBe(2); // dog → cat, so cat sits below dog (longest path)
    expect(n('check').layer).toBe(3);
    expect(n(END_NODE).layer).toBeGreaterThan(n('submit').layer);
    // Nodes in one layer never overlap.
    for (const a of g.nodes) for (const b of g.nodes) if (a !== b && a.layer === b.layer) expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(220);

    const loop = def([
      { id: 'a', kind: 'text' },
      { id: 'b', kind: 'choice', choices: [{ value: 'y', label: 'やり直す', next: 'a' }, { value: 'n', label: '進む' }] },
      { id: 'c', kind: 'submit' },
    ]);
    const lg = flowGraph(loop);
    expect(lg.nodes.map((x) => x.layer)).toEqual([0, 1, 2, 3]);
    expect(lg.edges.find((x) => x.source === 'b' && x.target === 'a')?.back).toBe(true);
    expect(lg.edges.find((x) => x.source === 'b' && x.target === 'c')?.reasons).toEqual([{ kind: 'next' }]);
  });

  it('merges reasons to one target, follows lookup retries, and skips unknown targets', () => {
    const d = def([
      { id: 'q', kind: 'choice', multiple: true, choices: [{ value: 'a', label: 'A', next: 'x' }] },
      { id: 'name', kind: 'text' },
      { id: 'check', kind: 'lookup', list: 'l', match_fields: { name: 'name' } },
      { id: 'x', kind: 'branch', cases: [{ when: { answer: 'q', op: 'contains', value: 'a' }, next: 'nowhere' }, { when: { answer: 'q', op: 'answered' }, next: 'end' }], default: 'end' },
    ]);
    // A multiple choice ignores per-choice next (as the engine does).
    expect(successorsOf(d, 0)).toEqual([{ target: 'name', reason: { kind: 'next' } }]);
    const g = flowGraph(d);
    expect(g.edges.find((e) => e.source === 'check' && e.target === 'name')?.reasons).toEqual([{ kind: 'retry' }]);
    expect(g.edges.filter((e) => e.source === 'x').map((e) => [e.target, e.reasons.map((r) => r.kind)])).toEqual([[END_NODE, ['case', 'default']]]);
  });

  it('copes with an empty draft and duplicate ids', () => {
    expect(flowGraph(def([])).nodes.map((n) => n.id)).toEqual([END_NODE]);
    const g = flowGraph(def([{ id: 'a', kind: 'message' }, { id: 'a', kind: 'submit' }]));
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(3);
  });

  it('lays out 200 steps without recursion limits', () => {
    const steps: Definition['steps'] = Array.from({ length: 200 }, (_, i) => ({ id: `s${i}`, kind: 'text' as const, ...(i % 10 === 0 && i + 5 < 200 ? { next: `s${i + 5}` } : {}) }));
    const g = flowGraph(def(steps));
    expect(g.nodes).toHaveLength(201);
    expect(g.nodes.filter((n) => !n.reachable).length).toBeGreaterThan(0);
  });

  // Boxes in graph units; FlowGraph.tsx scales all of them by the same factor (text size), so this holds on the page too.
  const overlaps = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) =>
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const checkLabels = (g: FlowGraphData) => {
    const nodes = g.nodes.map((n) => ({ id: n.id, x: n.x, y: n.y, w: NODE_W, h: NODE_H }));
    const labels = g.edges.filter((e) => e.labelled).map((e) => ({ id: e.id, ...e.label! }));
    for (const l of labels) {
      expect(l.h).toBeLessThan(LABEL_H);
      for (const n of nodes) expect(overlaps(l, n), `${l.id} covers ${n.id}`).toBe(false);
      for (const m of labels) if (m !== l) expect(overlaps(l, m), `${l.id} covers ${m.id}`).toBe(false);
    }
    return labels;
  };

  it('puts every edge label in a free row under its source, never on a node or another label', () => {
    const g = flowGraph(branching);
    const labels = checkLabels(g);
    // Choices, the condition and the default are worded; a plain next is not.
    expect(labels.map((l) => l.id).sort()).toEqual(['e-check-__end__', 'e-check-confirm', 'e-kind-cat', 'e-kind-dog']);
    expect(g.edges.find((e) => e.id === 'e-dog-cat')?.labelled).toBe(false);
    // Rows follow the handles left to right; a choice's edge leaves from its own handle.
    const kind = g.nodes.find((n) => n.id === 'kind')!;
    expect(kind.slots).toEqual(['choice-0', 'choice-1']);
    const dog = g.edges.find((e) => e.id === 'e-kind-dog')!, cat = g.edges.find((e) => e.id === 'e-kind-cat')!;
    expect([dog.handle, cat.handle]).toEqual(['choice-0', 'choice-1']);
    expect(dog.label!.y).toBeLessThan(cat.label!.y);
    expect(dog.label!.align).toBe('start');
    expect(cat.label!.align).toBe('end');
    // The edge turns below the labels, still above the next row of nodes.
    const below = g.nodes.find((n) => n.id === 'dog')!;
    expect(dog.bendY).toBeGreaterThan(cat.label!.y + cat.label!.h);
    expect(dog.bendY).toBeLessThan(below.y);
    expect(g.nodes.find((n) => n.id === 'check')!.slots).toEqual(['case-0', 'default']);
  });

  it('keeps labels off nodes for wide branching, many choices, loops and lookups', () => {
    const steps: Definition['steps'] = [
      { id: 'q', kind: 'choice', choices: ['a', 'b', 'c', 'd', 'e'].map((v, i) => ({ value: v, label: `とても長い選択肢の名前 ${v}`, ...(i < 4 ? { next: `s${i}` } : {}) })) },
      ...[0, 1, 2, 3].map((i) => ({ id: `s${i}`, kind: 'choice' as const, choices: [{ value: 'y', label: 'はい', next: 'q' }, { value: 'n', label: 'いいえ', next: 'b' }] })),
      { id: 'name', kind: 'text' },
      { id: 'l', kind: 'lookup', list: 'x', match_fields: { name: 'name' } },
      { id: 'b', kind: 'branch', cases: [0, 1, 2].map((i) => ({ when: { answer: 'q', op: 'eq', value: 'a' }, next: i === 2 ? 'end' : `s${i}` })), default: 'l' },
      { id: 'submit', kind: 'submit' },
    ];
    const g = flowGraph(def(steps));
    expect(checkLabels(g).length).toBeGreaterThan(10);
    // Every edge leaves from a handle its node has.
    for (const e of g.edges) expect(g.nodes.find((n) => n.id === e.source)!.slots, e.id).toContain(e.handle);
    // Nodes of different layers never overlap either (rows grew to fit the labels).
    for (const a of g.nodes) for (const b of g.nodes) if (a !== b) expect(overlaps({ ...a, w: NODE_W, h: NODE_H }, { ...b, w: NODE_W, h: NODE_H })).toBe(false);
  });
});
