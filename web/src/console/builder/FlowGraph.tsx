// The dialog as a flow: the steps as a graph (graph.ts lays it out), drawn with @xyflow/react.
// Loaded lazily by the builder, so neither the resident bundle nor the console's first load
// carries the graph library. Selection is the builder's: a node shows the selected step, and
// clicking a node (or Enter/Space on a focused one) selects that step in the list.
// Where a step leads is editable here too, through the same model.ts edits as the list (so undo,
// autosave and validation see them like any other edit): drag from a step's or a choice's handle
// to another step, select an edge and press Delete (or 「つながりを外す」), or, from the keyboard,
// the 「つなぎ先を変える」 selects under the graph for the selected step (C on a focused node).
import {
  BaseEdge, Controls, EdgeLabelRenderer, Handle, Position, ReactFlow, ReactFlowProvider, getSmoothStepPath, useReactFlow,
  type Connection, type Edge, type EdgeChange, type EdgeProps, type FinalConnectionState, type Node, type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './FlowGraph.css';
import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n-react';
import type { MessageKey } from '../../i18n';
import { describeCond, type CondWords } from './conditions';
import { LinkSelects, removable } from './FlowLinks';
import { END_NODE, END_STEP, NODE_H, NODE_W, flowGraph, type EdgeReason, type FlowNode, type LabelBox } from './graph';
import { linkOf, parseSlot, setLink, type Check, type Definition } from './model';

type T = ReturnType<typeof useI18n>['t'];
interface StepData extends Record<string, unknown> { node: FlowNode; kindLabel: string; warn: boolean; t: T }
type StepNode = Node<StepData, 'step'>;
interface LinkData extends Record<string, unknown> { text: string; box?: LabelBox; bendY?: number; scale: number; onPick: (id: string) => void }
type LinkEdge = Edge<LinkData, 'link'>;

export interface FlowGraphProps {
  def: Definition; check: Check | null; selectedId?: string;
  /** `keyboard`: chosen with Enter/Space, so focus may move to the list. */
  onSelect: (index: number, how: 'pointer' | 'keyboard') => void;
  /** The builder's edit: one history entry per call. */
  edit: (fn: (d: Definition) => Definition) => void;
}

export default function FlowGraph(props: FlowGraphProps) {
  return <ReactFlowProvider><Flow {...props} /></ReactFlowProvider>;
}

const StepBox = memo(function StepBox({ data }: NodeProps<StepNode>) {
  const { node, kindLabel, warn, t } = data;
  // The target handle covers the box while a connection is being made, so dropping anywhere on a step connects.
  const target = <Handle type="target" position={Position.Top} isConnectableStart={false} className="flow-target" />;
  if (node.kind === 'end') {
    return (<>{target}<div className="flow-node flow-node-end">{t('flow.end')}</div></>);
  }
  // Handles sit outside the box (which clips its words), so the dots on its edge stay whole.
  return (
    <>
    {target}
    <div className={`flow-node${node.reachable ? '' : ' flow-node-unreachable'}${warn ? ' flow-node-finding' : ''}`}>
      <div className="flow-node-head">
        <span className="flow-node-no">{node.index + 1}</span>
        <span className="badge">{kindLabel}</span>
        {node.start && <span className="badge flow-badge-start">{t('flow.start')}</span>}
        {!node.reachable && <span className="badge badge-warn" data-testid="flow-unreachable">{t('flow.unreachable')}</span>}
      </div>
      <div className="flow-node-name">{node.name}</div>
    </div>
    {/* One handle per exit, left to right as graph.ts places the labels. */}
    {node.slots.map((slot, k) => (
      <Handle key={slot} id={slot} type="source" position={Position.Bottom} isConnectableEnd={false} className="flow-source"
        style={{ left: `${((k + 1) / (node.slots.length + 1)) * 100}%` }} title={t('flow.dragHint')} />
    ))}
    </>
  );
});
const nodeTypes = { step: StepBox };

/** A smooth-step edge that turns below its source's labels, with its words in the row graph.ts gave it. */
function LinkView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, markerEnd, selected, data }: EdgeProps<LinkEdge>) {
  const none: LinkData = { text: '', scale: 1, onPick: () => undefined };
  const { text, box, bendY, scale, onPick } = data ?? none;
  const [path] = getSmoothStepPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, ...(bendY !== undefined ? { centerY: bendY * scale } : {}) });
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} interactionWidth={24} />
      {text && box && (
        <EdgeLabelRenderer>
          {/* The edge itself carries the full words (aria-label); this is their picture. */}
          <div className={`flow-edge-label flow-edge-label-${box.align}${selected ? ' selected' : ''}`} aria-hidden="true" data-edge-id={id}
            style={{ transform: `translate(${box.x * scale}px, ${box.y * scale}px)`, width: box.w * scale, height: box.h * scale }}>
            <span className="nopan" title={text} onClick={() => onPick(id)}>{text}</span>
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
const edgeTypes = { link: LinkView };

// Fitting never shrinks text below 3/4: with large text a wide graph is panned, not made tiny again.
const FIT_MIN_ZOOM = 0.75;

function Flow({ def, check, selectedId, onSelect, edit }: FlowGraphProps) {
  const { t } = useI18n();
  const [pickedEdge, setPickedEdge] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const focusLinks = useRef(false);
  const flow = useReactFlow();
  const graph = useMemo(() => flowGraph(def), [def]);
  // Layout in rem units, so at 200% text the boxes grow with their words instead of clipping them.
  const scale = useMemo(() => (typeof window === 'undefined' ? 1 : parseFloat(getComputedStyle(document.documentElement).fontSize) / 16 || 1), []);
  const words: CondWords = useMemo(() => ({
    all: t('flow.and'), any: t('flow.or'), none: t('flow.none'), sep: t('flow.sep'),
    rule: (a, op, v) => t('flow.rule', { answer: a, op: t(`bld.op.${op}` as MessageKey), value: v }).trim(),
  }), [t]);
  const reasonText = (r: EdgeReason, routed: boolean): string => {
    switch (r.kind) {
      case 'choice': return t('flow.choice', { label: r.choice ?? '' });
      case 'case': return t('flow.case', { n: (r.caseIndex ?? 0) + 1, when: describeCond(def, r.when, words) });
      case 'default': return t('flow.default');
      case 'retry': return t('flow.retry');
      case 'next': return routed ? t('flow.otherChoices') : '';
    }
  };
  const names = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n.id === END_NODE ? t('flow.end') : `${n.index + 1}. ${n.name}`])), [graph, t]);

  const nodeIndex = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n.index])), [graph]);
  const pick = (id: string | null) => { setPickedEdge(id); if (id) setSaid(''); };
  const { nodes, edges } = useMemo(() => {
    const withFindings = new Set([...(check?.errors ?? []), ...(check?.warnings ?? [])].map((f) => f.step_id));
    const exits = new Map<string, string[]>();
    const routedFrom = new Set(graph.edges.filter((e) => e.reasons.some((r) => r.kind === 'choice')).map((e) => e.source));
    const edges: LinkEdge[] = graph.edges.map((e) => {
      const text = e.labelled ? e.reasons.map((r) => reasonText(r, routedFrom.has(e.source))).filter(Boolean).join(t('flow.sep')) : '';
      const to = names.get(e.target) ?? e.target;
      exits.set(e.source, [...(exits.get(e.source) ?? []), text ? t('flow.exitWhen', { when: text, to }) : t('flow.exit', { to })]);
      const canRemove = removable(def, nodeIndex.get(e.source) ?? -1, e).length > 0;
      return {
        id: e.id, source: e.source, sourceHandle: e.handle, target: e.target, type: 'link',
        data: { text, box: e.label, bendY: e.bendY, scale, onPick: pick },
        ariaLabel: (text ? t('flow.exitWhen', { when: text, to }) : t('flow.exit', { to })) + (canRemove ? t('flow.edgeRemovable') : ''),
        className: e.back ? 'flow-edge-back' : undefined, animated: false, selectable: true, focusable: canRemove, deletable: false,
        selected: e.id === pickedEdge, markerEnd: { type: 'arrowclosed' as const, width: 18, height: 18 },
      };
    });
    const nodes: StepNode[] = graph.nodes.map((n) => {
      const kindLabel = n.kind === 'end' ? '' : t(`bld.kind.${n.kind}` as MessageKey);
      const label = n.kind === 'end' ? t('flow.end') : [
        t('flow.nodeLabel', { no: n.index + 1, kind: kindLabel, name: n.name }),
        n.start ? t('flow.start') : '', n.reachable ? '' : t('flow.unreachable'),
        ...(exits.get(n.id) ?? []),
      ].filter(Boolean).join('。');
      return {
        id: n.id, type: 'step', position: { x: n.x * scale, y: n.y * scale }, width: NODE_W * scale, height: NODE_H * scale,
        data: { node: n, kindLabel, warn: withFindings.has(n.id), t }, selected: n.id === selectedId, draggable: false, connectable: true,
        selectable: n.kind !== 'end', focusable: n.kind !== 'end', ariaLabel: label,
        domAttributes: {
          'data-testid': 'flow-node', 'data-step-id': n.kind === 'end' ? undefined : n.id, 'aria-current': n.id === selectedId ? 'step' : undefined,
          'aria-keyshortcuts': n.kind === 'end' ? undefined : 'Enter C',
        } as Record<string, unknown>,
      };
    });
    return { nodes, edges };
    // reasonText and names depend on def/t, which graph and t cover.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, check, selectedId, scale, t, words, pickedEdge]);

  // Edits from the graph: the model's own, so a link the format does not allow changes nothing.
  const nameOf = (index: number) => names.get(graph.nodes[index]?.id ?? '') ?? '';
  const link = (source: string, handle: string | null | undefined, target: string) => {
    const index = nodeIndex.get(source);
    const slot = parseSlot(handle);
    const to = target === END_NODE ? END_STEP : target;
    if (index === undefined || index < 0 || !slot || target.includes('#')) return;
    const choice = slot.kind === 'choice' ? def.steps[index]?.choices?.[slot.index] : undefined;
    const from = choice ? t('flow.fromChoice', { step: nameOf(index), label: choice.label || choice.value }) : nameOf(index);
    const said = t('flow.linked', { from, to: names.get(target) ?? target });
    if (def.steps[index] && linkOf(def.steps[index], slot) === to) { setSaid(said); return; }
    if (setLink(def, index, slot, to) === def) { setSaid(t('flow.linkRefused')); return; }
    edit((d) => setLink(d, index, slot, to));
    setPickedEdge(null);
    setSaid(said);
  };
  const unlink = (edgeId: string) => {
    const e = graph.edges.find((x) => x.id === edgeId);
    const index = e ? nodeIndex.get(e.source) ?? -1 : -1;
    const slots = e ? removable(def, index, e) : [];
    if (!e || !slots.length) { setSaid(t('flow.cannotUnlink')); return; }
    edit((d) => slots.reduce((acc, slot) => setLink(acc, index, slot, undefined), d));
    setPickedEdge(null);
    setSaid(t('flow.unlinked', { from: nameOf(index) }));
  };
  const onConnect = (c: Connection) => link(c.source, c.sourceHandle, c.target);
  // Dropped on a step but not on its handle: connect to the step under the pointer all the same.
  const onConnectEnd = (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid || !state.fromNode || !state.fromHandle) return;
    const p = 'changedTouches' in event ? event.changedTouches[0] : event;
    if (!p) return;
    const el = document.elementsFromPoint(p.clientX, p.clientY).map((x) => x.closest<HTMLElement>('[data-testid=flow-graph] .react-flow__node')).find(Boolean);
    if (el?.dataset.id === state.fromNode.id) setSaid(t('flow.linkRefused'));
    else if (el?.dataset.id) link(state.fromNode.id, state.fromHandle.id, el.dataset.id);
  };
  const onEdgesChange = (changes: EdgeChange<LinkEdge>[]) => {
    for (const c of changes) if (c.type === 'select') { if (c.selected) pick(c.id); else setPickedEdge((p) => (p === c.id ? null : p)); }
  };
  const picked = graph.edges.find((e) => e.id === pickedEdge);
  const pickedLabel = edges.find((e) => e.id === pickedEdge)?.ariaLabel;
  const selectedIndex = graph.nodes.find((n) => n.id === selectedId && n.kind !== 'end')?.index ?? -1;

  // C on a focused node: focus moves to that step's selects under the graph.
  useEffect(() => {
    if (!focusLinks.current) return;
    focusLinks.current = false;
    document.querySelector<HTMLElement>('[data-testid=flow-links] select')?.focus();
  });

  // The list's selection scrolls the graph to that step.
  const first = useRef(true);
  useEffect(() => {
    const n = graph.nodes.find((x) => x.id === selectedId);
    if (first.current) { first.current = false; if (!n) return; }
    if (n) void flow.setCenter((n.x + NODE_W / 2) * scale, (n.y + NODE_H / 2) * scale, { zoom: flow.getZoom(), duration: 200 });
    // Only a change of selection moves the view; edits do not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId]);

  const select = (id: string | undefined, how: 'pointer' | 'keyboard') => {
    const n = graph.nodes.find((x) => x.id === id);
    if (n && n.kind !== 'end') onSelect(n.index, how);
  };
  // Only nodes in view are in the DOM (a 200-step service stays fast), so arrows walk the steps
  // in list order, bringing each into view before focusing it; Enter/Space selects.
  const step = (from: string | undefined, delta: number) => {
    const i = graph.nodes.findIndex((x) => x.id === from);
    const n = graph.nodes[i + delta];
    if (i < 0 || !n || n.kind === 'end') return;
    void flow.setCenter((n.x + NODE_W / 2) * scale, (n.y + NODE_H / 2) * scale, { zoom: flow.getZoom() });
    let tries = 0;
    const focus = () => {
      const el = document.querySelector<HTMLElement>(`[data-testid=flow-graph] .react-flow__node[data-id="${CSS.escape(n.id)}"]`);
      if (el) el.focus(); else if (++tries < 30) requestAnimationFrame(focus);
    };
    requestAnimationFrame(focus);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const typing = (e.target as HTMLElement).closest('input, textarea, select, button');
    const onEdge = (e.target as Element).closest('.react-flow__edge')?.getAttribute('data-id') ?? pickedEdge;
    if (!typing && onEdge && (e.key === 'Delete' || e.key === 'Backspace')) { e.preventDefault(); unlink(onEdge); return; }
    if (!typing && pickedEdge && e.key === 'Escape') { setPickedEdge(null); return; }
    const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    if (!el) return;
    if ((e.key === 'c' || e.key === 'C') && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const n = graph.nodes.find((x) => x.id === el.dataset.id);
      if (!n || n.kind === 'end') return;
      e.preventDefault();
      if (n.id === selectedId) { document.querySelector<HTMLElement>('[data-testid=flow-links] select')?.focus(); return; }
      focusLinks.current = true;
      onSelect(n.index, 'pointer');
      return;
    }
    const delta = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    if (delta) { e.preventDefault(); step(el.dataset.id, delta); return; }
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault();
    select(el.dataset.id, 'keyboard');
  };
  const tall = graph.height * scale > 560;

  return (
    <div className="flow-graph" data-testid="flow-graph" onKeyDown={onKeyDown} role="region" aria-label={t('flow.region')} aria-describedby="flow-help">
      <p id="flow-help" className="muted flow-help">{t('flow.help')}</p>
      <div className="flow-canvas">
      <ReactFlow
        nodes={nodes} edges={edges} nodeTypes={nodeTypes} edgeTypes={edgeTypes}
        onNodeClick={(_, n) => { setPickedEdge(null); select(n.id, 'pointer'); }}
        onEdgesChange={onEdgesChange} onPaneClick={() => setPickedEdge(null)}
        onConnect={onConnect} onConnectEnd={onConnectEnd} isValidConnection={(c) => c.source !== c.target && !c.target.includes('#')}
        connectionRadius={32}
        nodesDraggable={false} nodesConnectable elementsSelectable edgesFocusable={false} deleteKeyCode={null}
        selectionKeyCode={null} multiSelectionKeyCode={null} zoomOnDoubleClick={false} panOnScroll minZoom={0.2} maxZoom={1.5}
        onlyRenderVisibleElements fitView={!tall} fitViewOptions={{ maxZoom: 1, minZoom: FIT_MIN_ZOOM, padding: 0.1 }}
        defaultViewport={{ x: 16, y: 16, zoom: 1 }}
        onInit={(inst) => {
          if (!tall) return;
          // A long service: start at the top, as wide as the box allows, rather than a far-away whole.
          const box = document.querySelector('[data-testid=flow-graph] .flow-canvas')?.clientWidth ?? 600;
          const zoom = Math.max(FIT_MIN_ZOOM, Math.min(1, box / (graph.width * scale + 32)));
          void inst.setViewport({ x: (box - graph.width * scale * zoom) / 2, y: 16, zoom });
        }}
        ariaLabelConfig={{
          'node.a11yDescription.default': t('flow.a11yNode'), 'node.a11yDescription.keyboardDisabled': t('flow.a11yNode'),
          'edge.a11yDescription.default': t('flow.a11yEdge'), 'controls.ariaLabel': t('flow.controls'),
          'controls.zoomIn.ariaLabel': t('flow.zoomIn'), 'controls.zoomOut.ariaLabel': t('flow.zoomOut'), 'controls.fitView.ariaLabel': t('flow.fit'),
        }}
        proOptions={{ hideAttribution: true }}
      >
        <Controls showInteractive={false} position="top-right" />
      </ReactFlow>
      </div>
      <div className="flow-edit">
        <p role="status" className="flow-said" data-testid="flow-said">{said}</p>
        {picked && (
          <div className="flow-picked" data-testid="flow-edge-picked">
            <p>{t('flow.picked', { edge: pickedLabel ?? '' })}</p>
            {removable(def, nodeIndex.get(picked.source) ?? -1, picked).length
              ? <button type="button" className="btn" onClick={() => unlink(picked.id)} data-testid="flow-unlink">{t('flow.unlink')}</button>
              : <p className="muted">{t('flow.cannotUnlink')}</p>}
          </div>
        )}
        {selectedIndex >= 0 && <LinkSelects def={def} index={selectedIndex} name={nameOf(selectedIndex)} edit={edit} onSaid={setSaid} />}
      </div>
    </div>
  );
}
