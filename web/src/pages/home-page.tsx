import { Button, Card, Group, List, SimpleGrid, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSignedInMe } from '../modules/accounts/session';
import { useInstitutions } from '../modules/institutions/institutions-api';
import { usePartnerships } from '../modules/partnerships/partnerships-api';
import { PageTitle } from '../modules/layout/page-title';
import { TaskListSection } from '../modules/tasks/task-list-section';
import { paths } from '../paths';

function CountCard({
  label,
  count,
  isLoading,
  to,
  linkText,
}: {
  label: string;
  count: string;
  isLoading: boolean;
  to: string;
  linkText: string;
}) {
  return (
    <Card withBorder padding="md">
      <Title order={2} size="h4">
        {label}
      </Title>
      <Text size="xl" fw={700} my="xs" aria-live="polite">
        {isLoading ? '…' : count}
      </Text>
      <Button component={Link} to={to} variant="light" size="xs" style={{ alignSelf: 'flex-start' }}>
        {linkText}
      </Button>
    </Card>
  );
}

/** Roles that work with clients: their home leads to the basket and to the card for a client. */
const clientWorkRoles = ['caseManager', 'specialist'];

/** For a social worker: find a service, then print its card for the client or send it by e-mail. */
function ClientWorkSection() {
  const { t } = useTranslation();
  return (
    <Card withBorder padding="md" mb="xl" component="section" aria-labelledby="client-work-title">
      <Title order={2} size="h3" id="client-work-title" mb="xs">
        {t('leaflet.home.title')}
      </Title>
      <Text mb="xs">{t('leaflet.home.search')}</Text>
      <List size="sm" mb="sm" spacing={4}>
        <List.Item>{t('leaflet.home.print')}</List.Item>
        <List.Item>{t('leaflet.home.email')}</List.Item>
      </List>
      <Button component={Link} to={paths.basket} style={{ alignSelf: 'flex-start' }}>
        {t('leaflet.home.openBasket')}
      </Button>
    </Card>
  );
}

/**
 * Home: greeting, acting institution and role, then "Do zrobienia" (the work waiting for this person
 * in this role), then counts and shortcuts for what the role may do.
 */
export function HomePage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const partnerships = usePartnerships({ page: 1, pageSize: 1 });
  const institutions = useInstitutions({ page: 1, pageSize: 1 });
  const active = me.activeMembership;
  return (
    <>
      <PageTitle title={t('home.title')}>{t('home.greeting', { name: me.displayName })}</PageTitle>
      <Text mb="lg">
        {active
          ? t('home.actingAs', { role: t(`roles.${active.role}`), institution: active.institutionName })
          : t('home.noMembership')}
      </Text>
      {active && <TaskListSection />}
      {active && clientWorkRoles.includes(active.role) && <ClientWorkSection />}
      <SimpleGrid cols={{ base: 1, sm: 2 }} mb="xl">
        <CountCard
          label={t('home.partnershipsCount')}
          count={partnerships.data ? t('home.partnerships', { count: partnerships.data.total }) : '–'}
          isLoading={partnerships.isPending}
          to={paths.partnerships}
          linkText={t('home.showPartnerships')}
        />
        <CountCard
          label={t('home.institutionsCount')}
          count={institutions.data ? t('home.institutions', { count: institutions.data.total }) : '–'}
          isLoading={institutions.isPending}
          to={paths.institutions}
          linkText={t('home.showInstitutions')}
        />
      </SimpleGrid>
      <Title order={2} size="h3" mb="sm">
        {t('home.shortcuts')}
      </Title>
      <Group gap="sm" wrap="wrap">
        {me.abilities.createInstitution && (
          <Button component={Link} to={paths.newInstitution} variant="default">
            {t('institutions.new')}
          </Button>
        )}
        {me.abilities.createPartnership && (
          <Button component={Link} to={paths.newPartnership} variant="default">
            {t('partnerships.new')}
          </Button>
        )}
        <Button component={Link} to={paths.territories} variant="default">
          {t('nav.territories')}
        </Button>
        {me.abilities.manageUsers && (
          <Button component={Link} to={paths.users} variant="default">
            {t('nav.users')}
          </Button>
        )}
        {me.abilities.readAudit && (
          <Button component={Link} to={paths.audit} variant="default">
            {t('nav.audit')}
          </Button>
        )}
        <Button component={Link} to={paths.account} variant="default">
          {t('nav.account')}
        </Button>
      </Group>
    </>
  );
}
