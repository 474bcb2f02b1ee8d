import { Anchor, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { paths } from '../../paths';

type EmptySearchNextStepsProps = {
  /** The basket in view, when there is one: the steps lead into it. */
  partnershipId?: string;
  /** The viewer may add a card to that basket themselves. */
  canAdd?: boolean;
};

/**
 * What to do when a basket search finds nothing: other words or fewer filters, propose the missing
 * service (a change request to the coordinator, or a new card for those who keep cards), and see
 * the basket's gaps, where a missing service usually shows.
 */
export function EmptySearchNextSteps({ partnershipId, canAdd = false }: EmptySearchNextStepsProps) {
  const { t } = useTranslation();
  const basket = partnershipId ? paths.partnershipBasket(partnershipId) : null;
  return (
    <section aria-labelledby="empty-search-next-steps">
      <Text fw={600} id="empty-search-next-steps">
        {t('basketSearch.nextSteps')}
      </Text>
      <List mt="xs" spacing="xs">
        <List.Item>{t('basketSearch.tryOther')}</List.Item>
        {basket ? (
          <>
            <List.Item>
              <Anchor component={Link} to={`${basket}?widok=requests`}>
                {t('basketSearch.propose')}
              </Anchor>{' '}
              <Text span size="sm" c="dark.6">
                {t('basketSearch.proposeHint')}
              </Text>
            </List.Item>
            {canAdd && (
              <List.Item>
                <Anchor component={Link} to={paths.newService(partnershipId!)}>
                  {t('basketSearch.addService')}
                </Anchor>
              </List.Item>
            )}
            <List.Item>
              <Anchor component={Link} to={`${basket}?widok=gaps`}>
                {t('basketSearch.seeGaps')}
              </Anchor>
            </List.Item>
          </>
        ) : (
          <List.Item>
            <Anchor component={Link} to={paths.partnerships}>
              {t('basketSearch.choosePartnership')}
            </Anchor>
          </List.Item>
        )}
      </List>
    </section>
  );
}
