import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { ErrorMessage } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import { FieldError, formLevel, invalidProps } from './ReservationsFields';

interface CheckedIn { id: number; resource_name: string; slot: string; party: number; checked_in_at: number }

// The browser's QR reader (Chrome on Android, Safari 17+); elsewhere the page loads jsQR
// (qrFallback.ts) on demand. Declared here because TypeScript's DOM library lacks it.
interface Detector { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> }
type DetectorClass = new (options: { formats: string[] }) => Detector;
const detectorClass = (): DetectorClass | undefined =>
  (globalThis as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;

/** 来場受付: scan a booking's QR code with the phone camera, or type its check-in code. */
export default function ReservationCheckin() {
  const { t, locale } = useI18n();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState('');
  const [scanning, setScanning] = useState(false);
  const [cameraNote, setCameraNote] = useState('');
  const video = useRef<HTMLVideoElement>(null);
  const stream = useRef<MediaStream | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const stop = () => {
    stream.current?.getTracks().forEach((tr) => tr.stop());
    stream.current = null;
    setScanning(false);
  };
  useEffect(() => stop, []);

  const submit = async (value: string) => {
    setBusy(true); setError(null); setResult('');
    try {
      const b = await api.post<CheckedIn>('/api/bookings/checkin', { token: value.trim() });
      setResult(t('ck.done', { name: b.resource_name, when: b.slot.replace('T', ' '), n: b.party }));
      setCode('');
    } catch (err) {
      if (err instanceof ApiError && err.code === 'already_checked_in') {
        const at = (err.details as unknown as { checked_in_at?: number } | undefined)?.checked_in_at;
        setError(new ApiError(409, { code: err.code, message: t('ck.already', { time: at ? formatDateTime(at, locale) : '' }) }));
      } else setError(err);
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  };

  const scan = async () => {
    setCameraNote('');
    if (!navigator.mediaDevices?.getUserMedia) { setCameraNote(t('ck.cameraUnsupported')); input.current?.focus(); return; }
    const Reader = detectorClass();
    let reader: Detector;
    try {
      // Without BarcodeDetector, jsQR in a chunk of its own, fetched only now.
      reader = Reader ? new Reader({ formats: ['qr_code'] }) : (await import('./qrFallback')).canvasReader();
    } catch {
      setCameraNote(t('ck.cameraUnsupported'));
      input.current?.focus();
      return;
    }
    try {
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
    } catch {
      setCameraNote(t('ck.cameraDenied'));
      input.current?.focus();
      return;
    }
    setScanning(true);
    const v = video.current;
    if (!v) return;
    v.srcObject = stream.current;
    await v.play().catch(() => undefined);
    const tick = async () => {
      if (!stream.current) return;
      try {
        const found = await reader.detect(v);
        if (found[0]?.rawValue) { stop(); void submit(found[0].rawValue); return; }
      } catch { /* a frame that could not be read: try the next */ }
      setTimeout(() => void tick(), 250);
    };
    void tick();
  };

  const onSubmit = (e: FormEvent) => { e.preventDefault(); void submit(code); };
  return (
    <div className="page" data-testid="checkin-page">
      <h1>{t('ck.title')}</h1>
      <p className="lead">{t('ck.intro')}</p>
      {result && <p className="alert alert-ok" role="status" data-testid="checkin-done">{result}</p>}
      <ErrorMessage error={formLevel(error, ['token'])} testId="checkin-error" />
      <div className="card">
        <div className="btn-row">
          {!scanning
            ? <button type="button" className="btn btn-primary" onClick={() => void scan()} data-testid="checkin-camera">{t('ck.camera')}</button>
            : <button type="button" className="btn" onClick={stop}>{t('ck.cameraStop')}</button>}
        </div>
        {cameraNote && <p className="alert alert-warn" role="status" data-testid="checkin-camera-note">{cameraNote}</p>}
        <video ref={video} hidden={!scanning} muted playsInline aria-label={t('ck.cameraLabel')} style={{ width: '100%', maxWidth: 480 }} />
      </div>
      <form onSubmit={onSubmit} noValidate className="card" data-testid="checkin-form">
        <div className="field">
          <label htmlFor="ck-code">{t('ck.code')}</label>
          <input ref={input} id="ck-code" autoComplete="off" autoCapitalize="characters" spellCheck={false} value={code}
            onChange={(e) => setCode(e.target.value)} aria-describedby="ck-code-help" {...invalidProps(error, 'token', 'ck-code')} data-testid="checkin-code" />
          <p className="hint" id="ck-code-help">{t('ck.codeHelp')}</p>
          <FieldError error={error} field="token" id="ck-code" />
        </div>
        <div className="btn-row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="checkin-submit">{t('ck.submit')}</button>
        </div>
      </form>
    </div>
  );
}
