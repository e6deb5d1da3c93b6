import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router-dom';
import { useI18n, LocaleSwitch } from './i18n-react';
import { Loading, NotFound } from './common';
import ResidentHome from './resident/ResidentHome';
import ResidentChat from './resident/ResidentChat';
import MyApplications from './resident/MyApplications';
import CorrectionChat from './resident/CorrectionChat';
import GarbageDays from './resident/GarbageDays';
import ResidentBookings from './resident/ResidentBookings';
import ResidentLotteries from './resident/ResidentLotteries';
import ReceivingSettings from './resident/ReceivingSettings';
import FaqChat from './resident/FaqChat';
import FaqWidget from './resident/FaqWidget';

// The staff console is its own chunk: a resident's first page load never downloads it.
const ConsoleApp = lazy(() => import('./console/ConsoleApp'));

function Landing() {
  const { t } = useI18n();
  return (
    <div className="page-narrow">
      <header className="topbar"><span className="brand">{t('app.name')}</span><LocaleSwitch /></header>
      <main id="main" className="container">
        <h1>{t('app.name')}</h1>
        <p><Link className="btn btn-primary" to="/console">{t('app.console')}</Link></p>
      </main>
    </div>
  );
}

export default function App() {
  return (
    <Routes>
      <Route path="/" element={<Landing />} />
      <Route
        path="/console/*"
        element={
          <Suspense fallback={<Loading />}>
            <ConsoleApp />
          </Suspense>
        }
      />
      <Route path="/t/:tenant" element={<ResidentHome />} />
      <Route path="/t/:tenant/chat/:serviceId" element={<ResidentChat />} />
      <Route path="/t/:tenant/my" element={<MyApplications />} />
      <Route path="/t/:tenant/garbage" element={<GarbageDays />} />
      <Route path="/t/:tenant/bookings" element={<ResidentBookings />} />
      <Route path="/t/:tenant/lotteries" element={<ResidentLotteries />} />
      <Route path="/t/:tenant/settings" element={<ReceivingSettings />} />
      <Route path="/t/:tenant/faq" element={<FaqChat />} />
      <Route path="/widget/:tenant" element={<FaqWidget />} />
      <Route path="/t/:tenant/my/correction/:correctionId" element={<CorrectionChat />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}
