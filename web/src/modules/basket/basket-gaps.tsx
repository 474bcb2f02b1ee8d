import { BarChart } from '@mantine/charts';
import { SimpleGrid, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { cooperationAreas } from '../../../../shared/src/contracts/common';
import { targetGroups, type BasketGaps } from '../../../../shared/src/contracts/basket';
import { QueryState } from '../common/loading';
import { useBasketGaps } from './basket-api';

/** Background for a count: none = warm (a gap), more = deeper blue; the number is always written. */
function cellStyle(count: number, max: number) {
  if (count === 0) return { background: 'var(--mantine-color-orange-0)' };
  const level = Math.min(4, Math.ceil((count / Math.max(1, max)) * 4));
  return { background: `var(--mantine-color-blue-${level})` };
}

function GapChart({ title, data, label }: { title: string; data: { name: string; count: number }[]; label: string }) {
  return (
    <figure style={{ margin: 0 }}>
      <figcaption>
        <Title order={3} size="h4" mb="xs">
          {title}
        </Title>
      </figcaption>
      {/* The chart is a picture of the table below, which is its text alternative. */}
      <div role="img" aria-label={label}>
        <BarChart
          h={Math.max(220, data.length * 30)}
          data={data}
          dataKey="name"
          orientation="vertical"
          yAxisProps={{ width: 200 }}
          series={[{ name: 'count', color: 'blue.7', label: title }]}
          withTooltip={false}
          withBarValueLabel
          barChartProps={{ accessibilityLayer: false }}
          gridAxis="none"
        />
      </div>
    </figure>
  );
}

function GapsView({ gaps }: { gaps: BasketGaps }) {
  const { t } = useTranslation();
  const count = (area: string, group: string) =>
    gaps.cells.find((cell) => cell.area === area && cell.targetGroup === group)?.count ?? 0;
  const max = Math.max(0, ...gaps.cells.map((cell) => cell.count));
  const byArea = cooperationAreas.map((area) => ({
    name: t(`areas.${area}`),
    count: gaps.byArea.find((item) => item.area === area)?.count ?? 0,
  }));
  const byGroup = targetGroups.map((group) => ({
    name: t(`targetGroups.${group}`),
    count: gaps.byTargetGroup.find((item) => item.targetGroup === group)?.count ?? 0,
  }));
  const missingAreas = byArea.filter((item) => item.count === 0).map((item) => item.name);
  return (
    <>
      <Text mb="sm">{t('gaps.total', { count: gaps.total })}</Text>
      {missingAreas.length > 0 && (
        <Text mb="md">
          <strong>{t('gaps.missingAreas')}:</strong> {missingAreas.join(', ')}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} mb="xl">
        <GapChart title={t('gaps.byArea')} data={byArea} label={t('gaps.chartAlt', { what: t('gaps.byArea') })} />
        <GapChart
          title={t('gaps.byTargetGroup')}
          data={byGroup}
          label={t('gaps.chartAlt', { what: t('gaps.byTargetGroup') })}
        />
      </SimpleGrid>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={t('gaps.tableCaption')}>
        <Table withTableBorder withColumnBorders captionSide="top" className="gap-table">
          <Table.Caption style={{ textAlign: 'left', fontWeight: 600 }}>{t('gaps.tableCaption')}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('basket.area')}</Table.Th>
              {targetGroups.map((group) => (
                <Table.Th key={group} scope="col" className="gap-head">
                  {t(`targetGroups.${group}`)}
                </Table.Th>
              ))}
              <Table.Th scope="col">{t('gaps.sum')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {cooperationAreas.map((area, index) => (
              <Table.Tr key={area}>
                <Table.Th scope="row" fw={500}>
                  {t(`areas.${area}`)}
                </Table.Th>
                {targetGroups.map((group) => {
                  const value = count(area, group);
                  return (
                    <Table.Td key={group} ta="center" style={cellStyle(value, max)} c="dark.9">
                      {value}
                    </Table.Td>
                  );
                })}
                <Table.Td ta="center" fw={700}>
                  {byArea[index]?.count ?? 0}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
      <Text size="sm" mt="xs" c="dark.6">
        {t('gaps.legend')}
      </Text>
    </>
  );
}

/** The gap view: how many published services per area and target group (chart and table). */
export function BasketGapsSection({ partnershipId }: { partnershipId: string }) {
  const query = useBasketGaps(partnershipId);
  return <QueryState query={query}>{(gaps) => <GapsView gaps={gaps} />}</QueryState>;
}
