import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

export interface ConfirmRequest {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  testId?: string;
}

/**
 * A modal confirmation on the native <dialog> (focus moves into it, Escape cancels, the page
 * behind is inert). `ask` resolves true only when the staff member confirms.
 */
export function useConfirm(): [ReactNode, (r: ConfirmRequest) => Promise<boolean>] {
  const [req, setReq] = useState<ConfirmRequest | null>(null);
  const resolver = useRef<((ok: boolean) => void) | null>(null);
  const ask = useCallback((r: ConfirmRequest) => new Promise<boolean>((resolve) => {
    resolver.current?.(false);
    resolver.current = resolve;
    setReq(r);
  }), []);
  const close = useCallback((ok: boolean) => {
    resolver.current?.(ok);
    resolver.current = null;
    setReq(null);
  }, []);
  return [req ? <ConfirmDialog req={req} close={close} /> : null, ask];
}

function ConfirmDialog({ req, close }: { req: ConfirmRequest; close: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const opener = useRef<Element | null>(null);
  useEffect(() => {
    opener.current = document.activeElement;
    const d = ref.current;
    if (d && !d.open) d.showModal?.();
    return () => { (opener.current as HTMLElement | null)?.focus?.(); };
  }, []);
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={`${id}-t`} aria-describedby={`${id}-b`}
      onCancel={(e) => { e.preventDefault(); close(false); }} data-testid={req.testId ?? 'confirm-dialog'}>
      <h2 id={`${id}-t`}>{req.title}</h2>
      <div id={`${id}-b`}>{req.body}</div>
      <div className="btn-row">
        <button type="button" className="btn btn-primary" onClick={() => close(true)} data-testid="confirm-ok">{req.confirmLabel}</button>
        <button type="button" className="btn" autoFocus onClick={() => close(false)} data-testid="confirm-cancel">{req.cancelLabel}</button>
      </div>
    </dialog>
  );
}
