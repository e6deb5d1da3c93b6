import { useEffect, useState } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';

interface Rule { segment_id: number; menu: string }
interface Rules { rules: (Rule & { segment: string | null })[]; state: { switched_all: boolean } }

/** Who sees which menu: saved segments in order, each with a menu; the first match wins. */
export default function RichMenuRules({ menus }: { menus: string[] }) {
  const { t } = useI18n();
  const saved = useLoad(() => api.get<Rules>('/api/line/rich-menu-rules'), []);
  const segs = useLoad(() => api.get<{ items: { id: number; name: string }[] }>('/api/segments'), []);
  const [rules, setRules] = useState<Rule[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (saved.data) setRules(saved.data.rules.map(({ segment_id, menu }) => ({ segment_id, menu }))); }, [saved.data]);
  if ((saved.loading && !saved.data) || (segs.loading && !segs.data)) return <Loading />;
  const segments = segs.data?.items ?? [];
  const set = (i: number, r: Rule) => setRules(rules.map((x, j) => (j === i ? r : x)));
  const save = async () => {
    setBusy(true); setError(null); setNotice(null);
    try {
      await api.put('/api/line/rich-menu-rules', { rules });
      setNotice(t('rt.rulesSaved'));
      saved.reload();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return (
    <section className="card" aria-labelledby="rm-rules-h" data-testid="richmenu-rules">
      <h2 id="rm-rules-h">{t('rt.rules')}</h2>
      <p className="muted">{t('rt.rulesIntro')}</p>
      {saved.data?.state.switched_all && <p className="alert alert-warn">{t('rt.disasterWins')}</p>}
      <ErrorMessage error={saved.error ?? segs.error} />
      {segments.length === 0 || menus.length === 0 ? <p>{t('rt.rulesNeed')}</p> : (
        <ol className="richmenu-rules">
          {rules.map((r, i) => (
            <li key={i} className="richmenu-rule" data-testid="richmenu-rule">
              <div className="field">
                <label htmlFor={`rm-rule-seg-${i}`}>{t('rt.ruleSegment')}</label>
                <select id={`rm-rule-seg-${i}`} value={r.segment_id} onChange={(e) => set(i, { ...r, segment_id: Number(e.target.value) })} data-testid="richmenu-rule-segment">
                  {segments.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`rm-rule-menu-${i}`}>{t('rt.menu')}</label>
                <select id={`rm-rule-menu-${i}`} value={r.menu} onChange={(e) => set(i, { ...r, menu: e.target.value })} data-testid="richmenu-rule-menu">
                  {menus.map((m) => <option key={m} value={m}>{m}</option>)}
                </select>
              </div>
              <button type="button" className="btn" onClick={() => setRules(rules.filter((_, j) => j !== i))}>{t('rt.remove')}</button>
            </li>
          ))}
        </ol>
      )}
      <Notice text={notice} />
      <ErrorMessage error={error} testId="richmenu-rules-error" />
      <div className="actions">
        {segments.length > 0 && menus.length > 0 && rules.length < 20 && (
          <button type="button" className="btn" onClick={() => setRules([...rules, { segment_id: segments[0].id, menu: menus[0] }])} data-testid="richmenu-rule-add">{t('rt.add')}</button>
        )}
        <button type="button" className="btn btn-primary" disabled={busy || segments.length === 0} onClick={save} data-testid="richmenu-rules-save">{t('rt.saveRules')}</button>
      </div>
    </section>
  );
}
