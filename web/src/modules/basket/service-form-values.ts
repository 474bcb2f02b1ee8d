/**
 * The card form's values: what its inputs hold (strings for nothing), from a card and back to the
 * contract's shape. Shared by the card form and a proposed change, which starts from the card.
 */
import type { Service, ServiceOrigin, TargetGroup } from '../../../../shared/src/contracts/basket';
import type { CooperationArea } from '../../../../shared/src/contracts/common';
import type { ReachValue } from './reach-picker';

export type ServiceFormValues = {
  name: string;
  description: string;
  providerInstitutionId: string;
  providerName: string;
  origin: ServiceOrigin;
  cooperationAreas: CooperationArea[];
  targetGroups: TargetGroup[];
  isCompound: boolean;
  isReferralRequired: boolean;
  referralBy: string;
  accessDescription: string;
  eligibility: string;
  cost: string;
  costDescription: string;
  locationKind: string;
  street: string;
  postalCode: string;
  city: string;
  territoryCode: string;
  reach: ReachValue;
  schedule: string;
  capacity: string;
  waitingTimeDays: string;
  contactName: string;
  contactPhone: string;
  contactEmail: string;
  languages: string[];
  isAccessible: boolean;
  accessibilityDescription: string;
};

export type FixedProvider = { id: string; name: string };

/** A card's values as the form's inputs hold them (empty strings for nothing); a new card's defaults without one. */
export function serviceFormValuesOf(service: Service | undefined, provider: FixedProvider | null): ServiceFormValues {
  return {
    name: service?.name ?? '',
    description: service?.description ?? '',
    providerInstitutionId: service?.providerInstitutionId ?? provider?.id ?? '',
    providerName: service && !service.providerInstitutionId ? service.providerName : '',
    origin: service?.origin ?? 'partner',
    cooperationAreas: service?.cooperationAreas ?? [],
    targetGroups: service?.targetGroups ?? [],
    isCompound: service?.isCompound ?? false,
    isReferralRequired: service?.isReferralRequired ?? false,
    referralBy: service?.referralBy ?? '',
    accessDescription: service?.accessDescription ?? '',
    eligibility: service?.eligibility ?? '',
    cost: service?.cost ?? '',
    costDescription: service?.costDescription ?? '',
    locationKind: service?.locationKind ?? 'address',
    street: service?.street ?? '',
    postalCode: service?.postalCode ?? '',
    city: service?.city ?? '',
    territoryCode: service?.territoryCode ?? '',
    reach: {
      kind: service?.reachKind ?? 'gminas',
      codes: service?.reachCodes ?? [],
      labels: Object.fromEntries((service?.reachCodes ?? []).map((code, i) => [code, service?.reachNames[i] ?? code])),
    },
    schedule: service?.schedule ?? '',
    capacity: service?.capacity ?? '',
    waitingTimeDays: service?.waitingTimeDays === null || !service ? '' : String(service.waitingTimeDays),
    contactName: service?.contactName ?? '',
    contactPhone: service?.contactPhone ?? '',
    contactEmail: service?.contactEmail ?? '',
    languages: service?.languages ?? ['pl'],
    isAccessible: service?.isAccessible ?? false,
    accessibilityDescription: service?.accessibilityDescription ?? '',
  };
}

/** What the inputs hold -> the contract's shape (reach split, numbers, provider by origin). */
export function prepareServiceValues(
  values: ServiceFormValues,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const { reach, waitingTimeDays, ...rest } = values;
  const waiting = waitingTimeDays.trim();
  const usesRegistry =
    values.origin === 'partner' || (values.origin === 'neighbourhood' && !values.providerName.trim());
  return {
    ...rest,
    ...extra,
    providerInstitutionId: usesRegistry ? values.providerInstitutionId || null : null,
    providerName: usesRegistry ? null : values.providerName,
    reachKind: reach.kind,
    reachCodes: reach.codes,
    waitingTimeDays: waiting === '' ? null : /^\d+$/.test(waiting) ? Number(waiting) : waiting,
    street: values.locationKind === 'address' ? values.street : values.street || null,
  };
}
