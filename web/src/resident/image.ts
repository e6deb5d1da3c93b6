// Prepare a photo for upload: the server takes image/jpeg or image/png; large phone
// photos are scaled down so uploads stay small on slow mobile connections.

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_SIDE = 2048;

export async function prepareImage(file: File): Promise<Blob> {
  const okType = file.type === 'image/jpeg' || file.type === 'image/png';
  if (okType && file.size <= MAX_BYTES) return file;
  try {
    const bmp = await createImageBitmap(file);
    const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
    const w = Math.round(bmp.width * scale);
    const h = Math.round(bmp.height * scale);
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')!.drawImage(bmp, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((res) => canvas.toBlob(res, 'image/jpeg', 0.85));
    if (blob) return blob;
  } catch {
    /* decoding failed (e.g. HEIC on a browser without support): send as is */
  }
  return file;
}
