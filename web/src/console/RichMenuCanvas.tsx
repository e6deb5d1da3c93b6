import { useEffect, useRef } from 'react';
import { THEMES, layoutById, type MenuSpec } from './richMenuLayouts';

/** Draws the menu image as LINE will show it (the same pixels are uploaded). */
export function drawMenu(canvas: HTMLCanvasElement, spec: MenuSpec) {
  const layout = layoutById(spec.layout);
  const theme = THEMES[spec.theme] ?? THEMES.blue;
  canvas.width = layout.size.width;
  canvas.height = layout.size.height;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.fillStyle = theme.background;
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  layout.areas.forEach((b, i) => {
    const a = spec.areas[i];
    g.strokeStyle = theme.line;
    g.lineWidth = 6;
    g.strokeRect(b.x + 3, b.y + 3, b.width - 6, b.height - 6);
    if (!a) return;
    const cx = b.x + b.width / 2;
    const side = Math.min(b.width, b.height);
    if (a.icon) {
      g.font = `${Math.round(side * 0.3)}px sans-serif`;
      g.fillText(a.icon, cx, b.y + b.height * 0.38);
    }
    const label = a.label.trim();
    if (label) {
      // As large as fits: a sixth of the area's height, narrower for long labels.
      const size = Math.max(40, Math.min(side * 0.16, (b.width * 0.9) / Math.max(1, [...label].length)));
      g.font = `bold ${Math.round(size)}px sans-serif`;
      g.fillStyle = theme.text;
      g.fillText(label, cx, a.icon ? b.y + b.height * 0.74 : b.y + b.height / 2, b.width * 0.92);
    }
  });
}

/** PNG (or JPEG when the PNG would exceed LINE's 1 MB) as base64 without the data: prefix. */
export function menuImageBase64(spec: MenuSpec): string {
  const canvas = document.createElement('canvas');
  drawMenu(canvas, spec);
  let url = canvas.toDataURL('image/png');
  if (url.length * 0.75 > 1_000_000) url = canvas.toDataURL('image/jpeg', 0.9);
  return url.slice(url.indexOf(',') + 1);
}

export default function RichMenuCanvas({ spec, label }: { spec: MenuSpec; label: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => { if (ref.current) drawMenu(ref.current, spec); }, [spec]);
  return <canvas ref={ref} className="richmenu-canvas" role="img" aria-label={label} data-testid="richmenu-preview" />;
}
