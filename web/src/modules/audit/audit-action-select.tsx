import { Select, type ComboboxItem, type ComboboxItemGroup } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { auditActions } from '../../../../shared/src/contracts/audit';
import { normalizeForSearch } from '../../../../shared/src/text';
import { auditActionLabel } from './audit-labels';

/** The part of an action before its first dot: the domain whose events it names ("basket"). */
const domainOf = (action: string) => action.split('.')[0]!;

/**
 * The audit log's action filter as words: the catalogue's actions grouped by domain, each domain
 * of several actions with an "all of it" entry (the server filters by the start of the name, so `basket.` is every
 * basket action). Typing finds an action by its Polish name or by its catalogue name.
 */
export function AuditActionSelect({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const data = useMemo<ComboboxItemGroup<ComboboxItem>[]>(() => {
    const groups = new Map<string, ComboboxItem[]>();
    for (const action of auditActions) {
      const domain = domainOf(action);
      const items = groups.get(domain) ?? [];
      items.push({ value: action, label: auditActionLabel(t, action) });
      groups.set(domain, items);
    }
    const known = new Set<string>(auditActions);
    const result = [...groups.entries()].map(([domain, items]) => {
      const group = t(`auditActionGroups.${domain}`, { defaultValue: domain });
      return {
        group,
        // A domain of one action needs no "all of it" entry.
        items: items.length > 1 ? [{ value: `${domain}.`, label: t('audit.allOfGroup', { group }) }, ...items] : items,
      };
    });
    // An address may carry a name the catalogue does not list (an older link, a typed prefix).
    if (value && !known.has(value) && !groups.has(value.replace(/\.$/, '')))
      result.unshift({ group: t('audit.otherAction'), items: [{ value, label: value }] });
    return result;
  }, [t, value]);
  return (
    <Select
      label={t('audit.action')}
      placeholder={t('audit.actionHint')}
      searchable
      clearable
      value={value || null}
      data={data}
      onChange={(next) => onChange(next ?? '')}
      filter={({ options, search }) => {
        const wanted = normalizeForSearch(search);
        if (!wanted) return options;
        const matches = (item: ComboboxItem) =>
          normalizeForSearch(item.label).includes(wanted) || item.value.toLowerCase().includes(wanted);
        return options
          .map((option) =>
            'group' in option ? { ...option, items: option.items.filter((item) => matches(item)) } : option,
          )
          .filter((option) => ('group' in option ? option.items.length > 0 : matches(option as ComboboxItem)));
      }}
      nothingFoundMessage={t('common.noResults')}
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
