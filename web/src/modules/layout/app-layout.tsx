import { Anchor, Box, Button, Container, Group, Menu, NativeSelect, Text, UnstyledButton } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Me, SwitchMembershipInput } from '../../../../shared/src/contracts/auth';
import { apiRequest } from '../../api/client';
import { changeLanguage } from '../../i18n/i18n';
import { storeMe, useMe, useSignOut } from '../accounts/session';
import { NotificationBell } from '../notifications/notification-bell';
import { ProblemAlert } from '../common/problem-alert';
import { noteNavigation } from './page-title';
import { paths } from '../../paths';

type NavItem = { to: string; label: string; end?: boolean };

function navigationFor(me: Me, t: (key: string) => string): NavItem[] {
  const items: NavItem[] = [
    { to: paths.home, label: t('nav.home'), end: true },
    { to: paths.territories, label: t('nav.territories') },
    { to: paths.institutions, label: t('nav.institutions') },
    { to: paths.partnerships, label: t('nav.partnerships') },
    { to: paths.basket, label: t('nav.basket') },
  ];
  if (me.abilities.manageUsers) items.push({ to: paths.users, label: t('nav.users') });
  if (me.abilities.readAudit) items.push({ to: paths.audit, label: t('nav.audit') });
  return items;
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const target = i18n.language === 'en' ? 'pl' : 'en';
  return (
    <Button
      variant="subtle"
      size="compact-sm"
      lang={target}
      aria-label={t('language.switchTo')}
      onClick={() => void changeLanguage(target)}
    >
      {target === 'en' ? 'English' : 'Polski'}
    </Button>
  );
}

function RoleSwitcher({ me }: { me: Me }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [isSwitching, setIsSwitching] = useState(false);
  if (me.memberships.length < 2) return null;
  const onChange = async (membershipId: string) => {
    setIsSwitching(true);
    setError(null);
    try {
      const body = SwitchMembershipInput.parse({ membershipId });
      const updated = await apiRequest('/auth/me/active-membership', { method: 'PUT', body, schema: Me });
      storeMe(queryClient, updated);
      // Data seen in the previous role must not linger: reload everything else.
      await queryClient.resetQueries({ predicate: (query) => query.queryKey[0] !== 'me' });
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSwitching(false);
    }
  };
  return (
    <Box>
      <NativeSelect
        size="xs"
        label={t('layout.actingAs')}
        value={me.activeMembership?.id ?? ''}
        disabled={isSwitching}
        onChange={(event) => void onChange(event.currentTarget.value)}
        data={me.memberships.map((membership) => ({
          value: membership.id,
          label: `${t(`roles.${membership.role}`)} – ${membership.institutionName}`,
        }))}
      />
      {error ? <ProblemAlert error={error} /> : null}
    </Box>
  );
}

function UserMenu({ me }: { me: Me }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const signOut = useSignOut();
  return (
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <Button variant="default" size="compact-sm" aria-label={t('layout.userMenu', { name: me.displayName })}>
          {me.displayName}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item component={Link} to={paths.account}>
          {t('nav.account')}
        </Menu.Item>
        <Menu.Item
          onClick={() => {
            void signOut().then(() => navigate(paths.signIn, { replace: true }));
          }}
        >
          {t('layout.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function RouteChangeTracker() {
  const location = useLocation();
  const [first] = useState(location.key);
  useEffect(() => {
    if (location.key !== first) noteNavigation();
  }, [location.key, first]);
  return null;
}

/** Skip link, header, navigation, main and footer around every page (signed in or not). */
export function AppLayout() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const onSkip = (event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    const main = document.getElementById('main');
    main?.focus();
    main?.scrollIntoView();
  };
  return (
    <div className="app">
      <RouteChangeTracker />
      <a href="#main" className="skip-link" onClick={onSkip}>
        {t('layout.skipToContent')}
      </a>
      <header className="app-header">
        <Container size="xl">
          <Group justify="space-between" align="center" gap="sm" py="xs" wrap="wrap">
            <Anchor component={Link} to={me ? paths.home : paths.signIn} className="app-name" underline="never">
              {t('app.name')}
            </Anchor>
            <Group gap="sm" align="end" wrap="wrap">
              {me && <RoleSwitcher me={me} />}
              <LanguageSwitch />
              {me && !me.mustChangePassword && <NotificationBell />}
              {me && <UserMenu me={me} />}
            </Group>
          </Group>
        </Container>
        {me && !me.mustChangePassword && (
          <nav aria-label={t('layout.mainNavigation')} className="app-nav">
            <Container size="xl">
              <ul className="nav-list">
                {navigationFor(me, t).map((item) => (
                  <li key={item.to}>
                    <UnstyledButton component={NavLink} to={item.to} end={item.end} className="nav-link">
                      {item.label}
                    </UnstyledButton>
                  </li>
                ))}
              </ul>
            </Container>
          </nav>
        )}
      </header>
      <main id="main" tabIndex={-1} className="app-main">
        <Container size="xl" py="lg">
          <Outlet />
        </Container>
      </main>
      <footer className="app-footer">
        <Container size="xl">
          <Group justify="space-between" gap="sm" py="md" wrap="wrap">
            <Anchor component={Link} to={paths.accessibility}>
              {t('layout.accessibilityStatement')}
            </Anchor>
            <Text size="sm" c="dimmed">
              {t('layout.footerNote')}
            </Text>
          </Group>
        </Container>
      </footer>
    </div>
  );
}
