import { Badge, Button, Code, Group, NativeSelect, SimpleGrid, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auditOutcomes, type AuditEventView, type AuditListQuery } from '../../../shared/src/contracts/audit';
import type { ListParams } from '../api/client';
import { useAuditEvents } from '../modules/audit/audit-api';
import { auditActionLabel, auditSubjectLabel } from '../modules/audit/audit-labels';
import { AuditActionSelect } from '../modules/audit/audit-action-select';
import { AuditVerification } from '../modules/audit/audit-verification';
import { useSignedInMe } from '../modules/accounts/session';
import { DataTable } from '../modules/common/data-table';
import { DateInput } from '../modules/common/date-input';
import { formatDateTime, parseDisplayDate } from '../modules/common/format';
import { enumOptions } from '../modules/common/labels';
import { QueryState } from '../modules/common/loading';
import { NotAllowed } from '../modules/common/not-allowed';
import { Pager } from '../modules/common/pager';
import { useUrlFilters, type UrlFilterValues } from '../modules/common/use-url-filters';
import { PageTitle } from '../modules/layout/page-title';

type Outcome = (typeof auditOutcomes)[number];
/** Dates stay in the address as typed (dd.mm.yyyy), like the form shows them. */
const filterSpec = { action: 'text', subjectId: 'text', outcome: auditOutcomes, from: 'text', to: 'text' } as const;
type Filters = UrlFilterValues<typeof filterSpec>;
const emptyFilters: Filters = { action: '', subjectId: '', outcome: '', from: '', to: '' };

const outcomeColors: Record<Outcome, string> = { success: 'green', denied: 'orange', failure: 'red' };

function AuditLog() {
  const { t } = useTranslation();
  const { values: filters, page, setFilters, setPage, clear } = useUrlFilters(filterSpec);
  // The form edits a draft; "Filter" puts it in the address. Back or "clear" shows the address's filters.
  const [draft, setDraft] = useState<Filters>(filters);
  const applied = JSON.stringify(filters);
  useEffect(() => setDraft(filters), [applied]);
  const params: ListParams<AuditListQuery> = {
    action: filters.action.trim() || undefined,
    subjectId: filters.subjectId.trim() || undefined,
    outcome: filters.outcome || undefined,
    from: filters.from ? parseDisplayDate(filters.from) : undefined,
    to: filters.to ? parseDisplayDate(filters.to) : undefined,
    page,
    pageSize: 50,
  };
  const query = useAuditEvents(params);
  const set = (key: keyof Filters) => (value: string) => setDraft((current) => ({ ...current, [key]: value }));
  return (
    <>
      <AuditVerification />
      <form
        role="search"
        aria-label={t('audit.filters')}
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({
            ...draft,
            action: draft.action.trim(),
            subjectId: draft.subjectId.trim(),
          });
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }} mb="sm">
          <AuditActionSelect value={draft.action} onChange={set('action')} />
          <TextInput
            label={t('audit.subjectId')}
            value={draft.subjectId}
            onChange={(event) => set('subjectId')(event.currentTarget.value)}
          />
          <NativeSelect
            label={t('audit.outcome')}
            value={draft.outcome}
            onChange={(event) => set('outcome')(event.currentTarget.value)}
            data={enumOptions(t, 'outcomes', auditOutcomes, t('common.all'))}
          />
          <DateInput
            label={t('audit.from')}
            value={draft.from}
            onChange={(event) => set('from')(event.currentTarget.value)}
          />
          <DateInput
            label={t('audit.to')}
            value={draft.to}
            onChange={(event) => set('to')(event.currentTarget.value)}
          />
        </SimpleGrid>
        <Group mb="md">
          <Button type="submit">{t('common.filter')}</Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(emptyFilters);
              clear();
            }}
          >
            {t('common.clearFilters')}
          </Button>
        </Group>
      </form>
      <QueryState query={query}>
        {(data) => (
          <>
            <DataTable<AuditEventView>
              caption={t('audit.tableCaption')}
              rows={data.items}
              rowKey={(row) => String(row.id)}
              columns={[
                { key: 'id', header: t('audit.id'), isRowHeader: true, cell: (row) => row.id },
                { key: 'time', header: t('audit.time'), cell: (row) => formatDateTime(row.occurredAt) },
                {
                  key: 'actor',
                  header: t('audit.actor'),
                  cell: (row) =>
                    [
                      row.actorDisplayName,
                      row.actorRole ? t(`roles.${row.actorRole}`, { defaultValue: row.actorRole }) : null,
                      row.actorInstitutionName,
                    ]
                      .filter(Boolean)
                      .join(', '),
                },
                {
                  key: 'action',
                  header: t('audit.action'),
                  // In words, with the catalogue name below it (what the API's filter and an integrator see).
                  cell: (row) => (
                    <>
                      <div>{auditActionLabel(t, row.action)}</div>
                      <Code className="nowrap">{row.action}</Code>
                    </>
                  ),
                },
                {
                  key: 'subject',
                  header: t('audit.subject'),
                  cell: (row) => auditSubjectLabel(t, row),
                },
                {
                  key: 'outcome',
                  header: t('audit.outcome'),
                  cell: (row) => (
                    <Badge color={outcomeColors[row.outcome]} variant="light">
                      {t(`outcomes.${row.outcome}`)}
                    </Badge>
                  ),
                },
                {
                  key: 'purpose',
                  header: t('audit.purpose'),
                  cell: (row) => (row.purpose ? t(`auditPurposes.${row.purpose}`) : ''),
                },
                {
                  key: 'sealed',
                  header: t('audit.sealed'),
                  cell: (row) =>
                    row.sealId !== null ? t('audit.sealedInBlock', { id: row.sealId }) : t('audit.notSealed'),
                },
              ]}
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onChange={setPage} />
          </>
        )}
      </QueryState>
    </>
  );
}

/** The audit log (administrators): filters, table, verification and sealing state. */
export function AuditPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  return (
    <>
      <PageTitle title={t('audit.title')} />
      {me.abilities.readAudit ? <AuditLog /> : <NotAllowed />}
    </>
  );
}
