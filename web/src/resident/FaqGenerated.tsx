import { useI18n } from '../i18n-react';

export interface Generated { text: string; sources: { n: number; title: string; url: string }[] }

/** An AI-written answer from the matching entries, with the sources it cites as links. */
export default function FaqGenerated({ generated }: { generated: Generated }) {
  const { t } = useI18n();
  return (
    <div className="faq-generated" data-testid="faq-generated">
      <p className="muted">{t('faqai.note')}</p>
      <p className="faq-a">{generated.text}</p>
      <p>{t('faqai.sources')}</p>
      <ol className="faq-sources">
        {generated.sources.map((s) => (
          <li key={s.n} value={s.n}>
            {/^https?:\/\//.test(s.url) ? <a href={s.url} rel="noopener noreferrer">{s.title}</a> : s.title}
          </li>
        ))}
      </ol>
    </div>
  );
}
