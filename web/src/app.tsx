import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiError, setUnauthenticatedHandler } from './api/client';
import { forgetSession } from './modules/accounts/session';
import { RequireAuth } from './modules/accounts/require-auth';
import { AppLayout } from './modules/layout/app-layout';
import { cssVariablesResolver, theme } from './theme';
import { paths } from './paths';
import { SignInPage } from './pages/sign-in-page';
import { PasswordChangePage } from './pages/password-change-page';
import { HomePage } from './pages/home-page';
import { AccessibilityPage } from './pages/accessibility-page';
import { NotFoundPage } from './pages/not-found-page';
import { TerritoriesPage } from './pages/territories-page';
import { TerritoryPage } from './pages/territory-page';
import { InstitutionsPage } from './pages/institutions-page';
import { InstitutionPage } from './pages/institution-page';
import { InstitutionFormPage } from './pages/institution-form-page';
import { PartnershipsPage } from './pages/partnerships-page';
import { PartnershipPage } from './pages/partnership-page';
import { PartnershipFormPage } from './pages/partnership-form-page';
import { MemberFormPage } from './pages/member-form-page';
import { UsersPage } from './pages/users-page';
import { UserPage } from './pages/user-page';
import { UserCreatePage } from './pages/user-create-page';
import { AuditPage } from './pages/audit-page';
import { AccountPage } from './pages/account-page';
import { ServicesPage } from './pages/services-page';
import { ServicePage } from './pages/service-page';
import { ServiceFormPage } from './pages/service-form-page';
import { NotificationsPage } from './pages/notifications-page';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failureCount, error) =>
        !(error instanceof ApiError && error.status > 0 && error.status < 500) && failureCount < 2,
      refetchOnWindowFocus: false,
      staleTime: 30_000,
    },
  },
});

function SessionWatcher() {
  const client = useQueryClient();
  useEffect(() => {
    setUnauthenticatedHandler(() => forgetSession(client));
    return () => setUnauthenticatedHandler(null);
  }, [client]);
  return null;
}

/** Providers and routes. Pages behind RequireAuth need a signed-in user with a changed password. */
export function App() {
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} forceColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <SessionWatcher />
        <BrowserRouter>
          <Routes>
            <Route element={<AppLayout />}>
              <Route path={paths.signIn} element={<SignInPage />} />
              <Route path={paths.accessibility} element={<AccessibilityPage />} />
              <Route element={<RequireAuth allowPasswordChange />}>
                <Route path={paths.passwordChange} element={<PasswordChangePage />} />
              </Route>
              <Route element={<RequireAuth />}>
                <Route index element={<HomePage />} />
                <Route path={paths.territories} element={<TerritoriesPage />} />
                <Route path="/terytoria/:code" element={<TerritoryPage />} />
                <Route path={paths.institutions} element={<InstitutionsPage />} />
                <Route path={paths.newInstitution} element={<InstitutionFormPage />} />
                <Route path="/instytucje/:id" element={<InstitutionPage />} />
                <Route path="/instytucje/:id/edycja" element={<InstitutionFormPage />} />
                <Route path={paths.partnerships} element={<PartnershipsPage />} />
                <Route path={paths.newPartnership} element={<PartnershipFormPage />} />
                <Route path="/partnerstwa/:id" element={<PartnershipPage />} />
                <Route path="/partnerstwa/:id/edycja" element={<PartnershipFormPage />} />
                <Route path="/partnerstwa/:id/dodaj-instytucje" element={<MemberFormPage />} />
                <Route path="/partnerstwa/:id/czlonkowie/:memberId" element={<MemberFormPage />} />
                <Route path={paths.users} element={<UsersPage />} />
                <Route path={paths.newUser} element={<UserCreatePage />} />
                <Route path="/uzytkownicy/:id" element={<UserPage />} />
                <Route path={paths.audit} element={<AuditPage />} />
                <Route path={paths.account} element={<AccountPage />} />
                <Route path={paths.basket} element={<ServicesPage />} />
                <Route path="/koszyk-uslug/nowa" element={<ServiceFormPage />} />
                <Route path="/koszyk-uslug/:id" element={<ServicePage />} />
                <Route path="/koszyk-uslug/:id/edycja" element={<ServiceFormPage />} />
                <Route path="/partnerstwa/:id/koszyk" element={<PartnershipPage />} />
                <Route path={paths.notifications} element={<NotificationsPage />} />
              </Route>
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
