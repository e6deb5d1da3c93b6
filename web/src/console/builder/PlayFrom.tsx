import { useState } from 'react';
import { api } from '../../api';
import { errorText } from '../../common';
import { useI18n } from '../../i18n-react';
import type { Input } from '../../chat/prompts';
import { lineUserText } from './LinePreview';
import type { Definition } from './model';
import { playTo, type PreviewTurn } from './playFrom';

/** 「このステップから試す」: earlier answers filled in automatically, then the preview continues from the chosen step. */
export default function PlayFrom({ def, disabled, onReady }: { def: Definition; disabled: boolean; onReady: (inputs: Input[]) => void }) {
  const { t } = useI18n();
  const askable = def.steps.filter((s) => s.kind !== 'branch');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = askable.some((s) => s.id === target) ? target : askable[0]?.id ?? '';
  const go = async () => {
    setBusy(true); setNote(null);
    try {
      const r = await playTo(def, chosen, (inputs) => api.post<PreviewTurn>('/api/services/preview', { definition: def, inputs }));
      const filled = r.inputs.map((i) => lineUserText(i, def)).join('、');
      setNote(r.reached ? t('pf.filled', { n: r.inputs.length, answers: filled || '—' }) : t('pf.unreachable', { step: r.at || t('bld.nextEnd') }));
      onReady(r.inputs);
    } catch (e) { setNote(errorText(e, t)); } finally { setBusy(false); }
  };
  return (
    <div data-testid="play-from">
      <div className="play-from">
        <div className="field">
          <label htmlFor="play-from-step">{t('pf.step')}</label>
          <select id="play-from-step" value={chosen} onChange={(e) => setTarget(e.target.value)} data-testid="play-from-step">
            {askable.map((s) => <option key={s.id} value={s.id}>{s.label || s.text?.split('\n')[0].slice(0, 24) || s.id}（{s.id}）</option>)}
          </select>
        </div>
        <button type="button" className="btn" onClick={() => void go()} disabled={disabled || busy || !chosen} data-testid="play-from-go">{t('pf.go')}</button>
      </div>
      <p role="status" className="muted" data-testid="play-from-note">{note}</p>
    </div>
  );
}
