import { useEffect, useState } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { api, onUnauthorized, setCsrfToken, type SessionInfo } from '../api';
import { Loading, NotFound, usePageTitle } from '../common';
import { LocaleSwitch, useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { SessionCtx, atLeast } from './session';
import Login from './Login';
import Dashboard from './Dashboard';
import KpiReport from './KpiReport';
import Applications from './Applications';
import ApplicationDetailPage from './ApplicationDetail';
import Services from './Services';
import ServiceResults from './ServiceResults';
import Audit from './Audit';
import Staff, { OwnPassword } from './Staff';
import LineSettingsPage from './LineSettings';
import Jobs from './Jobs';
import Templates from './Templates';
import Lookups from './Lookups';
import Campaigns, { CampaignComposer, CampaignDetail } from './Campaigns';
import RichMenus from './RichMenus';
import ResidentImport from './ResidentImport';
import Approvals from './Approvals';
import Garbage from './Garbage';
import FaqPage from './FaqPage';
import HandoffPage from './HandoffPage';
import ResidentAttributes from './ResidentAttributes';
import ReservationResources from './ReservationResources';
import ReservationLedger from './ReservationLedger';
import ReservationLotteries from './ReservationLotteries';
import ReservationCheckin from './ReservationCheckin';
import Emergency from './Emergency';
import ServiceBuilder, { ServiceBuilderNew } from './builder/ServiceBuilder';

export default function ConsoleApp() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const location = useLocation();

  useEffect(() => {
    let alive = true;
    api.get<SessionInfo>('/api/session', { quiet401: true }).then(
      (s) => { if (alive) { setCsrfToken(s.csrf_token); setSession(s); } },
      () => { if (alive) setSession(null); },
    );
    const off = onUnauthorized(() => { setCsrfToken(null); setSession(null); });
    return () => { alive = false; off(); };
  }, []);

  if (session === undefined) return <div className="container"><Loading /></div>;

  const onLogin = (s: SessionInfo) => { setCsrfToken(s.csrf_token); setSession(s); };

  return (
    <Routes>
      <Route path="login" element={session ? <Navigate to={(location.state as { from?: string } | null)?.from || '/console'} replace /> : <Login onLogin={onLogin} />} />
      <Route path="*" element={session
        ? <SessionCtx.Provider value={session}><Shell session={session} onLogout={() => { setCsrfToken(null); setSession(null); }} /></SessionCtx.Provider>
        : <Navigate to="/console/login" replace state={{ from: location.pathname + location.search }} />} />
    </Routes>
  );
}

const NAV: { to: string; key: MessageKey; admin?: boolean; end?: boolean }[] = [
  { to: '/console', key: 'nav.dashboard', end: true },
  { to: '/console/applications', key: 'nav.applications' },
  { to: '/console/services', key: 'nav.services' },
  { to: '/console/templates', key: 'pub.navTemplates' },
  { to: '/console/lookups', key: 'pub.navLookups' },
  { to: '/console/garbage', key: 'nav.garbage' },
  { to: '/console/reservations', key: 'nav.rsvLedger' },
  { to: '/console/resources', key: 'nav.rsvResources' },
  { to: '/console/lotteries', key: 'nav.lotteries' },
  { to: '/console/checkin', key: 'ck.nav' },
  { to: '/console/approvals', key: 'ap.nav' },
  { to: '/console/faq', key: 'faqc.nav' },
  { to: '/console/handoff', key: 'hoc.nav' },
  { to: '/console/kpi', key: 'kpi.nav' },
  { to: '/console/audit', key: 'nav.audit', admin: true },
  { to: '/console/staff', key: 'nav.staff', admin: true },
  { to: '/console/resident-attributes', key: 'nav.residentAttributes', admin: true },
  { to: '/console/resident-import', key: 'ri.nav', admin: true },
  { to: '/console/line', key: 'nav.line', admin: true },
  { to: '/console/rich-menus', key: 'nav.richMenus', admin: true },
  { to: '/console/campaigns', key: 'nav.campaigns' },
  { to: '/console/emergency', key: 'em.nav', admin: true },
  { to: '/console/jobs', key: 'nav.jobs', admin: true },
  { to: '/console/password', key: 'nav.password' },
];

function Shell({ session, onLogout }: { session: SessionInfo; onLogout: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const isAdmin = atLeast(session.user.role, 'admin');
  const here = location.pathname.replace(/\/+$/, '');
  const navHere = NAV.find((n) => n.to === here);
  usePageTitle(navHere ? t(navHere.key) : /^\/console\/applications\/[^/]+$/.test(here) ? t('title.detail')
    : /^\/console\/services\/[^/]+\/results$/.test(here) ? t('title.results') : undefined,
    t('title.staff', { town: session.tenant.name }));

  const logout = async () => {
    try { await api.post('/api/logout'); } catch { /* already gone */ }
    onLogout();
    navigate('/console/login', { replace: true });
  };

  const roleKey = `role.${session.user.role}` as MessageKey;
  return (
    <div className="console">
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <header className="topbar">
        <div className="topbar-left">
          <span className="brand">{t('app.name')}</span>
          <span className="tenant-name" data-testid="tenant-name">{session.tenant.name}</span>
        </div>
        <div className="topbar-right">
          <span className="user-name" data-testid="user-name">{t('login.loggedInAs', { name: session.user.name || session.user.email, role: t(roleKey) })}</span>
          <LocaleSwitch />
          <button type="button" className="btn btn-ghost" onClick={logout} data-testid="logout">{t('login.logout')}</button>
          <button type="button" className="btn btn-ghost menu-toggle" aria-expanded={menuOpen} aria-controls="console-nav"
            onClick={() => setMenuOpen((v) => !v)}>☰<span className="sr-only">{t('nav.label')}</span></button>
        </div>
      </header>
      <div className="console-body">
        <nav id="console-nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label={t('nav.label')} data-testid="nav">
          <ul>
            {NAV.filter((n) => !n.admin || isAdmin).map((n) => (
              <li key={n.to}>
                <NavLink to={n.to} end={n.end} data-testid={`nav-${n.to.split('/')[2] || 'dashboard'}`}>{t(n.key)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="console-main" tabIndex={-1}>
          <Routes>
            <Route index element={<Dashboard />} />
            <Route path="applications" element={<Applications />} />
            <Route path="applications/:id" element={<ApplicationDetailPage />} />
            <Route path="services" element={<Services />} />
            <Route path="services/:id/results" element={<ServiceResults />} />
            <Route path="services/new" element={<ServiceBuilderNew />} />
            <Route path="services/:id/edit" element={<ServiceBuilder />} />
            <Route path="templates" element={<Templates />} />
            <Route path="lookups" element={<Lookups />} />
            <Route path="garbage" element={<Garbage />} />
            <Route path="reservations" element={<ReservationLedger />} />
            <Route path="checkin" element={<ReservationCheckin />} />
            <Route path="resources" element={<ReservationResources />} />
            <Route path="lotteries" element={<ReservationLotteries />} />
            <Route path="approvals" element={<Approvals />} />
            <Route path="faq" element={<FaqPage />} />
            <Route path="handoff" element={<HandoffPage />} />
            <Route path="kpi" element={<KpiReport />} />
            <Route path="audit" element={<Audit />} />
            <Route path="staff" element={<Staff />} />
            <Route path="resident-attributes" element={<ResidentAttributes />} />
            <Route path="line" element={<LineSettingsPage />} />
            <Route path="rich-menus" element={<RichMenus />} />
            <Route path="campaigns" element={<Campaigns />} />
            <Route path="campaigns/new" element={<CampaignComposer />} />
            <Route path="campaigns/:id" element={<CampaignDetail />} />
            <Route path="emergency" element={<Emergency />} />
            <Route path="jobs" element={<Jobs />} />
            <Route path="resident-import" element={<ResidentImport />} />
            <Route path="password" element={<OwnPassword />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </main>
      </div>
    </div>
  );
}
