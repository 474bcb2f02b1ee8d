import { useTranslation } from 'react-i18next';
import type { Territory } from '../../../../shared/src/contracts/territories';
import { RemoteSelect, type Option } from '../common/remote-select';
import { useTerritories } from './territories-api';

type TerritorySelectProps = {
  label: string;
  value: string | null | undefined;
  onChange: (value: string | null) => void;
  onBlur?: () => void;
  error?: string;
  required?: boolean;
  /** Only gminas (forms); any level for filters. */
  isGminaOnly?: boolean;
  initialOption?: Option | null;
  name?: string;
};

/** "Wieliczka – gmina miejsko-wiejska (pow. wielicki, woj. małopolskie)". */
export function useTerritoryLabel() {
  const { t } = useTranslation();
  return (territory: Territory) => {
    const where = [
      territory.powiatName && territory.level !== 'powiat'
        ? t('territories.powiatShort', { name: territory.powiatName })
        : null,
      territory.voivodeshipName && territory.level !== 'voivodeship'
        ? t('territories.voivodeshipShort', { name: territory.voivodeshipName })
        : null,
    ].filter(Boolean);
    return `${territory.name} – ${t(`territoryKinds.${territory.kind}`)}${where.length ? ` (${where.join(', ')})` : ''}`;
  };
}

/** Searchable TERYT unit chooser (diacritics optional). */
export function TerritorySelect({ isGminaOnly = true, ...props }: TerritorySelectProps) {
  const territoryLabel = useTerritoryLabel();
  const useOptions = (search: string, isEnabled: boolean) => {
    const query = useTerritories({ q: search, level: isGminaOnly ? 'gmina' : undefined, pageSize: 20 }, isEnabled);
    return {
      options: (query.data?.items ?? []).map((territory) => ({
        value: territory.code,
        label: territoryLabel(territory),
      })),
      isFetching: query.isFetching,
    };
  };
  return <RemoteSelect {...props} useOptions={useOptions} />;
}
