import { useId } from 'react';
import { api } from '../api';
import { useLoad } from '../common';
import { useI18n } from '../i18n-react';
import { useSession } from './session';

/** Splits free text typed into the "other department" field (、 , ， or line breaks). */
export function splitDepartments(text: string): string[] {
  return text.split(/[,、，\n]/).map((s) => s.replace(/^[\s　]+|[\s　]+$/g, '')).filter(Boolean);
}

/** The departments a staff member belongs to: the tenant's known departments as check boxes,
 *  plus free text for one not used yet. `other` is the free text, kept by the parent form. */
export function DepartmentPicker({ id, value, other, onChange }: {
  id: string; value: string[]; other: string;
  onChange: (value: string[], other: string) => void;
}) {
  const { t } = useI18n();
  const hintId = useId();
  const known = useLoad(() => api.get<{ items: string[] }>('/api/departments'), []);
  const names = [...new Set([...(known.data?.items ?? []), ...value])].sort();
  return (
    <fieldset className="field departments" data-testid={`${id}-departments`}>
      <legend>{t('dept.legend')}</legend>
      <p className="hint" id={hintId}>{t('dept.hint')}</p>
      <div className="check-list">
        {names.map((n) => (
          <label key={n} className="check">
            <input type="checkbox" checked={value.includes(n)} data-testid={`dept-${n}`}
              onChange={(e) => onChange(e.target.checked ? [...value, n] : value.filter((v) => v !== n), other)} />
            {n}
          </label>
        ))}
      </div>
      <label htmlFor={id}>{t('dept.other')}</label>
      <input id={id} value={other} aria-describedby={hintId} onChange={(e) => onChange(value, e.target.value)} />
    </fieldset>
  );
}

/** What the form sends: the checked names and the typed ones, once each. */
export const chosenDepartments = (value: string[], other: string) => [...new Set([...value, ...splitDepartments(other)])];

/** Whose applications the list shows: non-admins see only their departments'. */
export function DepartmentScope() {
  const { t } = useI18n();
  const { user } = useSession();
  if (user.role === 'admin') return null;
  const depts = user.departments ?? (user.department ? [user.department] : []);
  return <p className="muted" data-testid="department-scope">{depts.length ? t('apps.scope', { departments: depts.join(t('list.sep')) }) : t('apps.scopeNone')}</p>;
}
