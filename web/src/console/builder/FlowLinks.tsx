// Editing links from the flow view, apart from the drawing: which exits of an edge can be taken
// away, and the keyboard's way in (a select per exit of the selected step, as in the list).
import { useI18n } from '../../i18n-react';
import { END_STEP, slotOfReason, stepName, type FlowEdge } from './graph';
import { canUnlink, linkOf, linkSlots, parseSlot, setLink, slotKey, type Definition, type LinkSlot } from './model';

/** The exits of an edge that staff may take away (choice targets, a next, a default; not a condition's target or a retry). */
export function removable(def: Definition, index: number, e: FlowEdge): LinkSlot[] {
  const step = def.steps[index];
  if (!step) return [];
  return e.reasons.flatMap((r) => {
    if (r.kind === 'retry') return [];
    const slot = parseSlot(slotOfReason(r));
    return slot && canUnlink(step, slot) ? [slot] : [];
  });
}

/** The keyboard's way to change where the selected step leads: a select per exit, as in the list. */
export function LinkSelects({ def, index, name, edit, onSaid }: { def: Definition; index: number; name: string; edit: (fn: (d: Definition) => Definition) => void; onSaid: (s: string) => void }) {
  const { t } = useI18n();
  const step = def.steps[index];
  const slotLabel = (slot: LinkSlot): string => {
    switch (slot.kind) {
      case 'next': return t('bld.next');
      case 'default': return t('bld.caseDefault');
      case 'case': return t('bld.caseNext', { n: slot.index + 1 });
      case 'choice': {
        const c = step.choices?.[slot.index];
        return t('flow.slotChoice', { n: slot.index + 1, label: c?.label || c?.value || '' });
      }
    }
  };
  return (
    <fieldset className="flow-links" data-testid="flow-links" data-step-id={step.id}>
      <legend>{t('flow.linksTitle', { name })}</legend>
      {linkSlots(step).map((slot) => {
        const key = slotKey(slot);
        const id = `flow-link-${index}-${key}`;
        return (
          <div className="field" key={key}>
            <label htmlFor={id}>{slotLabel(slot)}</label>
            <select id={id} value={linkOf(step, slot) ?? ''} data-testid="flow-link-select" data-slot={key}
              onChange={(e) => { const v = e.target.value || undefined; edit((d) => setLink(d, index, slot, v)); onSaid(''); }}>
              {slot.kind !== 'case' && <option value="">{t('bld.nextDefault')}</option>}
              {def.steps.filter((s) => s.id !== step.id).map((s) => <option key={s.id} value={s.id}>{stepName(s)}（{s.id}）</option>)}
              <option value={END_STEP}>{t('bld.nextEnd')}</option>
            </select>
          </div>
        );
      })}
    </fieldset>
  );
}
