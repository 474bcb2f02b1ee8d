/**
 * Pure rules of a change request's values: the proposal the dialog sends (only what the user
 * changed) and the words a proposed or current value is shown in.
 */
import type { TFunction } from 'i18next';
import { serviceCardFields, type Service } from '../../../../shared/src/contracts/basket';
import { languageName } from '../../../../shared/src/language-names';
import { emptyToNull } from '../common/empty-to-null';
import { formatDate } from '../common/format';
import { prepareServiceValues, serviceFormValuesOf, type ServiceFormValues } from './service-form-values';

/** The proposal dialog's values: the card's inputs and the request's own two. */
export type ProposalFormValues = ServiceFormValues & {
  kind: 'newService' | 'change' | 'withdrawal';
  justification: string;
};

/** The card part of the form values in the contract's shape (nulls for empty inputs). */
function cardOf(values: ServiceFormValues): Record<string, unknown> {
  const card = emptyToNull(prepareServiceValues(values, {})) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(card).filter(([field]) => (serviceCardFields as readonly string[]).includes(field)),
  );
}

/** The proposal's fields in the card's own order (name first, as the form shows them). */
export function proposedFieldsInCardOrder(proposal: Record<string, unknown>): string[] {
  const order = serviceCardFields as readonly string[];
  const rank = (field: string) => (order.includes(field) ? order.indexOf(field) : order.length);
  return Object.keys(proposal).sort((a, b) => rank(a) - rank(b));
}

/**
 * The proposal: a whole card for a new service; for a change only the fields the user changed
 * against the card's current values (the form starts from them), so an untouched field is never
 * proposed and an unchanged form proposes nothing.
 */
export function proposalOf(values: ProposalFormValues, service: Service | undefined): Record<string, unknown> {
  if (values.kind === 'withdrawal') return {};
  const proposed = cardOf(values);
  if (values.kind === 'newService' || !service) return proposed;
  const current = cardOf(serviceFormValuesOf(service, null));
  return Object.fromEntries(
    Object.entries(proposed).filter(([field, value]) => JSON.stringify(value) !== JSON.stringify(current[field])),
  );
}

/** Fields whose values are words of a list: the i18n block that names them. */
const enumBlocks: Record<string, string> = {
  origin: 'origins',
  cost: 'costs',
  locationKind: 'locationKinds',
  reachKind: 'reachKinds',
  cooperationAreas: 'areas',
  targetGroups: 'targetGroups',
};
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T.*)?$/;

/** One proposed or current value in words: yes/no, list labels, names for ids and codes, dd.MM.yyyy. */
export function formatProposedValue(
  t: TFunction,
  field: string,
  value: unknown,
  labels: Record<string, string>,
  language: string,
): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    return t('changeRequestDecision.empty');
  }
  const one = (item: unknown): string => {
    if (typeof item === 'boolean') return t(item ? 'common.yes' : 'common.no');
    if (typeof item === 'number')
      return field === 'waitingTimeDays' ? t('changeRequestDecision.days', { count: item }) : String(item);
    const text = String(item as string);
    if (enumBlocks[field]) return t(`${enumBlocks[field]}.${text}`, { defaultValue: text });
    if (field === 'languages') return languageName(text, language === 'en' ? 'en' : 'pl');
    if (labels[text]) return labels[text];
    if (ISO_DATE.test(text)) return formatDate(text);
    return text;
  };
  return Array.isArray(value) ? value.map(one).join(', ') : one(value);
}
