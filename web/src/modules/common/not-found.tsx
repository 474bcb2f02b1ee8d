import { Anchor, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { paths } from '../../paths';
import { listOfAddress, type NotFoundReason } from './not-found-reason';

/**
 * What a person sees at an address that leads nowhere (an unknown page, a record that does not exist
 * or is not theirs, a malformed id): what happened, and a way back to the list and to the home page.
 */
export function NotFoundContent({ reason = 'page' }: { reason?: NotFoundReason }) {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const list = listOfAddress(pathname);
  const text =
    reason === 'record'
      ? t('notFound.record')
      : reason === 'badAddress'
        ? t('notFound.badAddress')
        : t('notFound.text');
  return (
    <section aria-labelledby="not-found-ways-back">
      <Text mb="md">{text}</Text>
      <Text fw={600} id="not-found-ways-back">
        {t('notFound.waysBack')}
      </Text>
      <List mt="xs">
        {list && (
          <List.Item>
            <Anchor component={Link} to={list.to}>
              {t('notFound.backToList', { list: t(list.labelKey) })}
            </Anchor>
          </List.Item>
        )}
        <List.Item>
          <Anchor component={Link} to={paths.home}>
            {t('notFound.home')}
          </Anchor>
        </List.Item>
      </List>
    </section>
  );
}
