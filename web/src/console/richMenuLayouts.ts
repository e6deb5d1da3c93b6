// The rich-menu editor's model: LINE's standard layouts, what each tap does in staff terms, and
// the LINE rich menu object built from them. Pure, so it is unit tested without a browser.

export interface Bounds { x: number; y: number; width: number; height: number }
export interface Layout { id: string; size: { width: number; height: number }; areas: Bounds[] }

const W = 2500;
const LARGE = 1686;
const COMPACT = 843;
const third = [0, 833, 1667, W]; // 833 / 834 / 833

function grid(cols: number[], rows: number[]): Bounds[] {
  const out: Bounds[] = [];
  for (let r = 0; r + 1 < rows.length; r++)
    for (let c = 0; c + 1 < cols.length; c++)
      out.push({ x: cols[c], y: rows[r], width: cols[c + 1] - cols[c], height: rows[r + 1] - rows[r] });
  return out;
}

/** LINE Official Account Manager's standard templates (large 2500×1686, compact 2500×843). */
export const LAYOUTS: Layout[] = [
  { id: 'large6', size: { width: W, height: LARGE }, areas: grid(third, [0, COMPACT, LARGE]) },
  { id: 'large4', size: { width: W, height: LARGE }, areas: grid([0, 1250, W], [0, COMPACT, LARGE]) },
  { id: 'large1p3', size: { width: W, height: LARGE }, areas: [{ x: 0, y: 0, width: W, height: COMPACT }, ...grid(third, [COMPACT, LARGE])] },
  { id: 'large2v', size: { width: W, height: LARGE }, areas: grid([0, 1250, W], [0, LARGE]) },
  { id: 'large2h', size: { width: W, height: LARGE }, areas: grid([0, W], [0, COMPACT, LARGE]) },
  { id: 'large1', size: { width: W, height: LARGE }, areas: grid([0, W], [0, LARGE]) },
  { id: 'compact3', size: { width: W, height: COMPACT }, areas: grid(third, [0, COMPACT]) },
  { id: 'compact2', size: { width: W, height: COMPACT }, areas: grid([0, 1250, W], [0, COMPACT]) },
  { id: 'compact1p2', size: { width: W, height: COMPACT }, areas: [{ x: 0, y: 0, width: 1667, height: COMPACT }, ...grid([1667, W], [0, 421, COMPACT])] },
  { id: 'compact1', size: { width: W, height: COMPACT }, areas: grid([0, W], [0, COMPACT]) },
];

/** What a tap does, in the words staff use. */
export type AreaAction =
  | { kind: 'service'; service: string } // start a service (by its title)
  | { kind: 'services' } // the list of services
  | { kind: 'mine' } // 申請した手続き
  | { kind: 'settings' } // 受信設定 (src/channels/line/receiving_settings.h)
  | { kind: 'faq' } // よくある質問 (src/channels/line/faq_reply.h: faq.start)
  | { kind: 'bookings' } // 予約の確認・変更・取消 (src/channels/line/my_bookings.h)
  | { kind: 'switch'; menu: string } // show another menu (src/channels/line/rich_menu_rules.h: menu:<name>)
  | { kind: 'url'; url: string }
  | { kind: 'message'; text: string };

export interface AreaSpec { icon: string; label: string; action: AreaAction }

export interface MenuSpec { layout: string; chatBarText: string; theme: string; areas: AreaSpec[] }

/** Icons (emoji drawn by the browser) a tap area may show above its label. */
export const ICONS = ['', '📝', '📋', '🗑️', '📅', '❓', '🏥', '🚨', '📢', '🏠', '🔍', '☎️', '🌐', '👶', '🚌'];

export const THEMES: Record<string, { background: string; text: string; line: string }> = {
  blue: { background: '#1d4f91', text: '#ffffff', line: '#7fa6d8' },
  green: { background: '#1f6b3a', text: '#ffffff', line: '#8cc59f' },
  white: { background: '#ffffff', text: '#1a1a1a', line: '#b5b5b5' },
  orange: { background: '#9a3c00', text: '#ffffff', line: '#e2a27a' },
};

// The postback our LINE channel reads (src/channels/line/postback_data.cpp: mg=<kind>&x=<value>).
function postback(kind: string, value: string): string {
  return `mg=${kind}&x=${encodeURIComponent(value)}`;
}

// LINE reads action labels aloud; they are capped at 20 UTF-16 units.
export function actionLabel(area: AreaSpec): string {
  const text = [area.icon, area.label].filter(Boolean).join(' ');
  return text.length <= 20 ? text : text.slice(0, 20);
}

export function lineAction(area: AreaSpec): Record<string, string> {
  const label = actionLabel(area);
  switch (area.action.kind) {
    case 'service': return { type: 'postback', label, data: postback('s', area.action.service), displayText: area.label.slice(0, 300) };
    case 'services': return { type: 'postback', label, data: postback('m', '0'), displayText: area.label.slice(0, 300) };
    case 'mine': return { type: 'postback', label, data: postback('c', 'applications'), displayText: area.label.slice(0, 300) };
    case 'settings': return { type: 'postback', label, data: postback('c', 'settings'), displayText: area.label.slice(0, 300) };
    case 'faq': return { type: 'postback', label, data: postback('c', 'faq.start'), displayText: area.label.slice(0, 300) };
    case 'bookings': return { type: 'postback', label, data: postback('c', 'reservations'), displayText: area.label.slice(0, 300) };
    case 'switch': return { type: 'postback', label, data: postback('c', `menu:${area.action.menu}`), displayText: area.label.slice(0, 300) };
    case 'url': return { type: 'uri', label, uri: area.action.url };
    case 'message': return { type: 'message', label, text: area.action.text };
  }
}

export function layoutById(id: string): Layout {
  return LAYOUTS.find((l) => l.id === id) ?? LAYOUTS[0];
}

/** The LINE rich menu object (size, areas with bounds and actions). */
export function buildMenu(name: string, spec: MenuSpec): Record<string, unknown> {
  const layout = layoutById(spec.layout);
  return {
    size: layout.size,
    selected: true,
    name: name.slice(0, 300),
    chatBarText: spec.chatBarText,
    areas: layout.areas.map((bounds, i) => ({ bounds, action: lineAction(spec.areas[i] ?? blankArea()) })),
  };
}

export function blankArea(): AreaSpec {
  return { icon: '', label: '', action: { kind: 'services' } };
}

/** Problems staff must fix before saving, in message keys with the area number. */
export function problems(spec: MenuSpec): { area?: number; key: 'rm.errLabel' | 'rm.errUrl' | 'rm.errService' | 'rm.errMessage' | 'rm.errChatBar' | 'rt.errSwitch' }[] {
  const out: ReturnType<typeof problems> = [];
  if (!spec.chatBarText.trim() || spec.chatBarText.length > 14) out.push({ key: 'rm.errChatBar' });
  const n = layoutById(spec.layout).areas.length;
  for (let i = 0; i < n; i++) {
    const a = spec.areas[i] ?? blankArea();
    if (!a.label.trim() || a.label.length > 20) out.push({ area: i + 1, key: 'rm.errLabel' });
    if (a.action.kind === 'url' && !/^https?:\/\/[^\s]+$/.test(a.action.url)) out.push({ area: i + 1, key: 'rm.errUrl' });
    if (a.action.kind === 'service' && !a.action.service) out.push({ area: i + 1, key: 'rm.errService' });
    if (a.action.kind === 'message' && !a.action.text.trim()) out.push({ area: i + 1, key: 'rm.errMessage' });
    if (a.action.kind === 'switch' && !a.action.menu) out.push({ area: i + 1, key: 'rt.errSwitch' });
  }
  return out;
}

function sameBounds(a: Bounds, b?: Bounds): boolean {
  return !!b && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}

/** Reads a saved menu back into the editor (labels and icons from the action labels). */
export function specFromMenu(menu: { size?: { height?: number }; chatBarText?: string; areas?: { bounds: Bounds; action: Record<string, string> }[] }): MenuSpec {
  const areas = menu.areas ?? [];
  const layout = LAYOUTS.find((l) => l.size.height === menu.size?.height && l.areas.length === areas.length &&
    l.areas.every((b, i) => sameBounds(b, areas[i]?.bounds))) ?? LAYOUTS[0];
  return {
    layout: layout.id,
    chatBarText: menu.chatBarText ?? 'メニュー',
    theme: 'blue',
    areas: areas.map(({ action }) => {
      const raw = action.label ?? '';
      const icon = ICONS.find((i) => i && raw.startsWith(`${i} `)) ?? '';
      const label = icon ? raw.slice(icon.length + 1) : raw;
      const q = new URLSearchParams(action.data ?? '');
      let act: AreaAction = { kind: 'services' };
      if (action.type === 'uri') act = { kind: 'url', url: action.uri ?? '' };
      else if (action.type === 'message') act = { kind: 'message', text: action.text ?? '' };
      else if (q.get('mg') === 's') act = { kind: 'service', service: q.get('x') ?? '' };
      else if (q.get('mg') === 'c' && q.get('x') === 'applications') act = { kind: 'mine' };
      else if (q.get('mg') === 'c' && q.get('x') === 'settings') act = { kind: 'settings' };
      else if (q.get('mg') === 'c' && q.get('x') === 'faq.start') act = { kind: 'faq' };
      else if (q.get('mg') === 'c' && q.get('x') === 'reservations') act = { kind: 'bookings' };
      else if (q.get('mg') === 'c' && (q.get('x') ?? '').startsWith('menu:')) act = { kind: 'switch', menu: (q.get('x') ?? '').slice(5) };
      return { icon, label, action: act };
    }),
  };
}
