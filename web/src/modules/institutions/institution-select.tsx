import type { InstitutionKind, InstitutionSummary } from '../../../../shared/src/contracts';
import { RemoteSelect, type Option } from '../common/remote-select';
import { useInstitutions } from './institutions-api';

type InstitutionSelectProps = {
  label: string;
  description?: string;
  value: string | null | undefined;
  onChange: (value: string | null) => void;
  onBlur?: () => void;
  error?: string;
  required?: boolean;
  /** Only these kinds (e.g. leaders: OPS or CUS). */
  kinds?: readonly InstitutionKind[];
  initialOption?: Option | null;
  name?: string;
};

export function institutionLabel(institution: Pick<InstitutionSummary, 'name' | 'city' | 'territoryName'>): string {
  return `${institution.name} (${institution.city ?? institution.territoryName})`;
}

/** Searchable institution chooser. */
export function InstitutionSelect({ kinds, ...props }: InstitutionSelectProps) {
  const useOptions = (search: string, isEnabled: boolean) => {
    const query = useInstitutions(
      { q: search, pageSize: 30, kind: kinds?.length === 1 ? kinds[0] : undefined },
      isEnabled,
    );
    return {
      options: (query.data?.items ?? [])
        .filter((institution) => !kinds || kinds.includes(institution.kind))
        .map((institution) => ({ value: institution.id, label: institutionLabel(institution) })),
      isFetching: query.isFetching,
    };
  };
  return <RemoteSelect {...props} useOptions={useOptions} />;
}
