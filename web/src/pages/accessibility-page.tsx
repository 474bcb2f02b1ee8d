import { Anchor, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DetailsList } from '../modules/common/details-list';
import { PageTitle } from '../modules/layout/page-title';

/** Deklaracja dostępności, in the structure the Polish digital accessibility act (2019) requires. */
export function AccessibilityPage() {
  const { t } = useTranslation();
  const limitations = t('a11y.limitations', { returnObjects: true }) as string[];
  const keyboard = t('a11y.keyboardItems', { returnObjects: true }) as string[];
  return (
    <Stack gap="sm" maw={860}>
      <PageTitle title={t('a11y.title')} />
      <Text>{t('a11y.intro')}</Text>
      <DetailsList
        items={[
          { label: t('a11y.publishedLabel'), value: '22.11.2026' },
          { label: t('a11y.updatedLabel'), value: '22.11.2026' },
        ]}
      />
      <Title order={2} size="h3" mt="md">
        {t('a11y.statusTitle')}
      </Title>
      <Text>{t('a11y.status')}</Text>
      <Text>{t('a11y.limitationsIntro')}</Text>
      <List>
        {limitations.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
      <Title order={2} size="h3" mt="md">
        {t('a11y.preparationTitle')}
      </Title>
      <Text>{t('a11y.preparation')}</Text>
      <Title order={2} size="h3" mt="md">
        {t('a11y.keyboardTitle')}
      </Title>
      <List>
        {keyboard.map((item) => (
          <List.Item key={item}>{item}</List.Item>
        ))}
      </List>
      <Title order={2} size="h3" mt="md">
        {t('a11y.contactTitle')}
      </Title>
      <Text>{t('a11y.contact')}</Text>
      <DetailsList
        items={[
          { label: t('a11y.contactPerson'), value: t('a11y.contactPersonValue') },
          {
            label: t('a11y.contactEmail'),
            value: <Anchor href="mailto:dostepnosc@kooperacja.example">dostepnosc@kooperacja.example</Anchor>,
          },
        ]}
      />
      <Title order={2} size="h3" mt="md">
        {t('a11y.procedureTitle')}
      </Title>
      <Text>{t('a11y.procedure1')}</Text>
      <Text>{t('a11y.procedure2')}</Text>
      <Text>
        {t('a11y.procedure3')}{' '}
        <Anchor href="https://bip.brpo.gov.pl/" rel="noopener noreferrer">
          {t('a11y.ombudsman')}
        </Anchor>
        .
      </Text>
      <Title order={2} size="h3" mt="md">
        {t('a11y.architectureTitle')}
      </Title>
      <Text>{t('a11y.architecture')}</Text>
      <Title order={2} size="h3" mt="md">
        {t('a11y.appsTitle')}
      </Title>
      <Text>{t('a11y.apps')}</Text>
    </Stack>
  );
}
