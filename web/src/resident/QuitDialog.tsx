import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n-react';

// Asks before やめる discards what the resident typed. A native modal <dialog>: focus stays
// inside, Escape cancels, and focus returns to the button that opened it.
export default function QuitDialog({ open, onCancel, onConfirm }: { open: boolean; onCancel: () => void; onConfirm: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby="quit-title" aria-describedby="quit-body"
      onCancel={(e) => { e.preventDefault(); onCancel(); }} data-testid="quit-dialog">
      {open && (
        <>
          <h2 id="quit-title">{t('chat.quitTitle')}</h2>
          <p id="quit-body">{t('chat.quitBody')}</p>
          <div className="btn-row">
            <button type="button" className="btn btn-primary" autoFocus onClick={onCancel} data-testid="quit-cancel">{t('chat.quitCancel')}</button>
            <button type="button" className="btn btn-danger" onClick={onConfirm} data-testid="quit-confirm">{t('chat.quitConfirm')}</button>
          </div>
        </>
      )}
    </dialog>
  );
}
