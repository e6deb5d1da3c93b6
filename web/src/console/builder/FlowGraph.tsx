// The dialog as a flow: the steps as a graph (graph.ts lays it out), drawn with @xyflow/react.
// Loaded lazily by the builder, so neither the resident bundle nor the console's first load
// carries the graph library. Selection is the builder's: a node shows the selected step, and
// clicking a node (or Enter/Space on a focused one) selects that step in the list.
import { Controls, Handle, Position, ReactFlow, ReactFlowProvider, useReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './FlowGraph.css';
import { memo, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useI18n } from '../../i18n-react';
import type { MessageKey } from '../../i18n';
import { describeCond, type CondWords } from './conditions';
import { END_NODE, NODE_H, NODE_W, flowGraph, type EdgeReason, type FlowNode } from './graph';
import type { Check, Definition } from './model';

type T = ReturnType<typeof useI18n>['t'];
interface StepData extends Record<string, unknown> { node: FlowNode; kindLabel: string; warn: boolean; t: T }
type StepNode = Node<StepData, 'step'>;

export interface FlowGraphProps {
  def: Definition; check: Check | null; selectedId?: string;
  /** `keyboard`: chosen with Enter/Space, so focus may move to the list. */
  onSelect: (index: number, how: 'pointer' | 'keyboard') => void;
}

export default function FlowGraph(props: FlowGraphProps) {
  return <ReactFlowProvider><Flow {...props} /></ReactFlowProvider>;
}

const StepBox = memo(function StepBox({ data }: NodeProps<StepNode>) {
  const { node, kindLabel, warn, t } = data;
  if (node.kind === 'end') {
    return (<div className="flow-node flow-node-end"><Handle type="target" position={Position.Top} isConnectable={false} />{t('flow.end')}</div>);
  }
  return (
    <div className={`flow-node${node.reachable ? '' : ' flow-node-unreachable'}${warn ? ' flow-node-finding' : ''}`}>
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="flow-node-head">
        <span className="flow-node-no">{node.index + 1}</span>
        <span className="badge">{kindLabel}</span>
        {node.start && <span className="badge flow-badge-start">{t('flow.start')}</span>}
        {!node.reachable && <span className="badge badge-warn" data-testid="flow-unreachable">{t('flow.unreachable')}</span>}
      </div>
      <div className="flow-node-name">{node.name}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
const nodeTypes = { step: StepBox };
// Fitting never shrinks text below 3/4: with large text a wide graph is panned, not made tiny again.
const FIT_MIN_ZOOM = 0.75;

function Flow({ def, check, selectedId, onSelect }: FlowGraphProps) {
  const { t } = useI18n();
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

  const { nodes, edges } = useMemo(() => {
    const withFindings = new Set([...(check?.errors ?? []), ...(check?.warnings ?? [])].map((f) => f.step_id));
    const exits = new Map<string, string[]>();
    const edges: Edge[] = graph.edges.map((e) => {
      const routed = e.reasons.some((r) => r.kind === 'next') && graph.edges.some((o) => o.source === e.source && o.reasons.some((r) => r.kind === 'choice'));
      const text = e.reasons.map((r) => reasonText(r, routed)).filter(Boolean).join(t('flow.sep'));
      const to = names.get(e.target) ?? e.target;
      exits.set(e.source, [...(exits.get(e.source) ?? []), text ? t('flow.exitWhen', { when: text, to }) : t('flow.exit', { to })]);
      const short = text.length > 28 ? `${text.slice(0, 27)}…` : text;
      return {
        id: e.id, source: e.source, target: e.target, type: 'smoothstep', label: short || undefined,
        ariaLabel: text ? t('flow.exitWhen', { when: text, to }) : t('flow.exit', { to }),
        className: e.back ? 'flow-edge-back' : undefined, animated: false, selectable: false, focusable: false,
        markerEnd: { type: 'arrowclosed' as const, width: 18, height: 18 },
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
        data: { node: n, kindLabel, warn: withFindings.has(n.id), t }, selected: n.id === selectedId, draggable: false, connectable: false,
        selectable: n.kind !== 'end', focusable: n.kind !== 'end', ariaLabel: label,
        domAttributes: { 'data-testid': 'flow-node', 'data-step-id': n.kind === 'end' ? undefined : n.id, 'aria-current': n.id === selectedId ? 'step' : undefined } as Record<string, unknown>,
      };
    });
    return { nodes, edges };
    // reasonText and names depend on def/t, which graph and t cover.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [graph, check, selectedId, scale, t, words]);

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
    const el = (e.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
    if (!el) return;
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
        nodes={nodes} edges={edges} nodeTypes={nodeTypes}
        onNodeClick={(_, n) => select(n.id, 'pointer')}
        nodesDraggable={false} nodesConnectable={false} elementsSelectable edgesFocusable={false} deleteKeyCode={null}
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
          'edge.a11yDescription.default': t('flow.a11yNode'), 'controls.ariaLabel': t('flow.controls'),
          'controls.zoomIn.ariaLabel': t('flow.zoomIn'), 'controls.zoomOut.ariaLabel': t('flow.zoomOut'), 'controls.fitView.ariaLabel': t('flow.fit'),
        }}
        proOptions={{ hideAttribution: true }}
      >
        <Controls showInteractive={false} position="top-right" />
      </ReactFlow>
      </div>
    </div>
  );
}
