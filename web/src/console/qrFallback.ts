// The check-in page's QR reader for browsers without BarcodeDetector (Firefox, Safari before
// 17, desktop Chrome on Linux): frames of the camera drawn on a canvas and decoded with jsQR
// (Apache-2.0, pure JavaScript, no dependencies). ReservationCheckin.tsx loads this module with
// import() only when the browser lacks BarcodeDetector, so jsQR stays out of every other
// page's bundle.
import jsQR from 'jsqr';

/** The same shape as BarcodeDetector's detect(), so the page's scanning loop serves both. */
export interface FrameReader { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> }

/** The text of the QR code in an RGBA image, or null when none is readable. */
export function decodeRgba(data: Uint8ClampedArray, width: number, height: number): string | null {
  if (width <= 0 || height <= 0 || data.length < width * height * 4) return null;
  // Booking QR codes are dark on light; trying the inverted image too would double the work
  // per frame on a phone for codes we never print.
  return jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

// Frames are scaled down to this many pixels on the long side: a phone's 1080p frame decodes
// several times slower and a printed or on-screen code is still a hundred pixels or more.
const MAX_SIDE = 640;

/** Reads video frames through a canvas. */
export function canvasReader(doc: Document = document): FrameReader {
  const canvas = doc.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return {
    async detect(video) {
      const w = video.videoWidth, h = video.videoHeight;
      if (!ctx || !w || !h) return [];
      const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const text = decodeRgba(img.data, img.width, img.height);
      return text ? [{ rawValue: text }] : [];
    },
  };
}
