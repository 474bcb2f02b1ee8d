import { Alert, Anchor, Badge, Button, Group, Progress, Radio, SegmentedControl, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ImportPreview } from '../../../../shared/src/contracts/basket';
import { ApiError } from '../../api/client';
import { currentLanguage } from '../../i18n/i18n';
import { paths } from '../../paths';
import type { LeftoverFieldError } from '../common/forms';
import { DataTable } from '../common/data-table';
import { LoadingIndicator } from '../common/loading';
import { ProblemAlert } from '../common/problem-alert';
import { confirmImport, importErrorsUrl, saveImportMappings, uploadImport } from './basket-api';
import { ImportMappingPanel } from './import-mapping-panel';

type Step =
  | { kind: 'choose' }
  | { kind: 'uploading'; percent: number }
  | { kind: 'preview'; preview: ImportPreview }
  | { kind: 'applying'; preview: ImportPreview }
  | { kind: 'done'; created: number; updated: number; confirmed: number };

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * The server's reasons with its problem (the file's "not a basket sheet", "too many rows", a row
 * that failed on confirmation), in the current language, each with the field it names, unless one
 * only repeats the message.
 */
function problemReasons(error: unknown, language: 'pl' | 'en', t: Translate): LeftoverFieldError[] {
  if (!(error instanceof ApiError)) return [];
  const message = error.problem.messages[language];
  return (error.problem.errors ?? [])
    .filter((item) => item.messages[language] !== message)
    .map((item) => ({ field: fieldLabel(item.field, t), message: item.messages[language] }));
}

/** The words for the field a problem names: the file, a row of the sheet, one of the choices. */
function fieldLabel(field: string, t: Translate): string {
  const row = /^rows\.(\d+)/.exec(field);
  if (row) return t('imports.fields.row', { row: row[1] });
  if (field === 'file') return t('imports.fields.file');
  if (field === 'newCards') return t('imports.fields.newCards');
  if (field.startsWith('duplicates.')) return t('imports.fields.duplicates');
  if (field.startsWith('mappings.')) return t('imports.fields.mapping');
  return field;
}

const actionColors = {
  create: 'green',
  update: 'blue',
  unchanged: 'gray',
  reject: 'red',
  duplicate: 'orange',
} as const;

/**
 * The import wizard: choose a file -> upload (progress) -> preview per row (create / update /
 * unchanged / reject with the reasons) -> confirm (one transaction) or start again.
 */
export function ImportWizard({ partnershipId, format }: { partnershipId: string; format: 'xlsx' | 'hsds' }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [error, setError] = useState<unknown>(null);
  /** Duplicate rows the importer chose to create anyway (skipping is the default). */
  const [createRows, setCreateRows] = useState<ReadonlySet<number>>(new Set());
  const [newCards, setNewCards] = useState<'publish' | 'review' | null>(null);
  const [isRemapping, setIsRemapping] = useState(false);
  const language = currentLanguage();

  const showPreview = (preview: ImportPreview) => {
    setCreateRows(new Set());
    setNewCards(preview.newCards?.default ?? null);
    setStep({ kind: 'preview', preview });
  };
  const upload = async () => {
    if (!file) return;
    setError(null);
    setStep({ kind: 'uploading', percent: 0 });
    try {
      const preview = await uploadImport(partnershipId, format, file, (percent) =>
        setStep({ kind: 'uploading', percent }),
      );
      showPreview(preview);
    } catch (caught) {
      setError(caught);
      setStep({ kind: 'choose' });
    }
  };
  /** Keeps the mapping for the partnership, then reads the same file again with it. */
  const remap = async (mappings: Array<{ header: string; templateColumn: string | null }>) => {
    if (!file) return;
    setError(null);
    setIsRemapping(true);
    try {
      await saveImportMappings(partnershipId, { mappings });
      showPreview(await uploadImport(partnershipId, format, file, () => undefined));
    } catch (caught) {
      setError(caught);
    } finally {
      setIsRemapping(false);
    }
  };
  const apply = async (preview: ImportPreview) => {
    setError(null);
    setStep({ kind: 'applying', preview });
    try {
      const duplicates = preview.rows
        .filter((row) => row.action === 'duplicate')
        .map((row) => ({ row: row.row, choice: createRows.has(row.row) ? ('create' as const) : ('skip' as const) }));
      const result = await confirmImport(partnershipId, preview.importId, {
        ...(duplicates.length > 0 ? { duplicates } : {}),
        ...(newCards ? { newCards } : {}),
      });
      setStep({ kind: 'done', created: result.created, updated: result.updated, confirmed: result.confirmed });
      void queryClient.invalidateQueries({ queryKey: ['services'] });
      void queryClient.invalidateQueries({ queryKey: ['basket-gaps'] });
    } catch (caught) {
      setError(caught);
      setStep({ kind: 'preview', preview });
    }
  };
  const restart = () => {
    setFile(null);
    setError(null);
    setStep({ kind: 'choose' });
  };

  return (
    <Stack>
      {error ? <ProblemAlert error={error} leftovers={problemReasons(error, language, t)} /> : null}
      {step.kind === 'choose' && (
        <Group align="end" wrap="wrap">
          <div>
            <label htmlFor={inputId} className="file-label">
              {t(format === 'xlsx' ? 'imports.chooseXlsx' : 'imports.chooseHsds')}
            </label>
            <input
              id={inputId}
              type="file"
              className="file-input"
              accept={format === 'xlsx' ? '.xlsx' : '.json,application/json'}
              onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
            />
          </div>
          <Button onClick={() => void upload()} disabled={!file}>
            {t('imports.upload')}
          </Button>
        </Group>
      )}
      {step.kind === 'uploading' && (
        <div role="status">
          <Text size="sm" mb={4}>
            {t('imports.uploading', { percent: step.percent })}
          </Text>
          <Progress.Root size="lg">
            <Progress.Section value={step.percent} aria-label={t('imports.uploadProgress')} />
          </Progress.Root>
        </div>
      )}
      {(step.kind === 'preview' || step.kind === 'applying') && (
        <>
          <Text fw={600} role="status">
            {t('imports.summary', {
              create: step.preview.counts.create,
              update: step.preview.counts.update,
              unchanged: step.preview.counts.unchanged,
              reject: step.preview.counts.reject,
            })}
          </Text>
          {step.preview.counts.duplicate ? (
            <Text size="sm">{t('imports.summaryDuplicates', { count: step.preview.counts.duplicate })}</Text>
          ) : null}
          <Text size="sm">{t('imports.nothingYet')}</Text>
          {step.preview.columns && step.preview.columns.length > 0 && format === 'xlsx' ? (
            <ImportMappingPanel
              key={step.preview.importId}
              columns={step.preview.columns}
              templateColumns={step.preview.templateColumns ?? []}
              isBusy={isRemapping}
              onApply={(mappings) => void remap(mappings)}
            />
          ) : null}
          {step.preview.hasErrorRows ? (
            <Text size="sm">
              <Anchor href={importErrorsUrl(partnershipId, step.preview.importId)} download>
                {t('imports.errorsDownload', { count: step.preview.counts.reject })}
              </Anchor>
            </Text>
          ) : null}
          {step.preview.notes && step.preview.notes.length > 0 ? (
            <Alert color="yellow" variant="light" title={t('imports.fileNotes')}>
              <ul className="compact-list">
                {step.preview.notes.map((note) => {
                  const line = note.column ? `${note.column}: ${note.messages[language]}` : note.messages[language];
                  return <li key={line}>{line}</li>;
                })}
              </ul>
            </Alert>
          ) : null}
          <DataTable
            caption={t('imports.previewCaption')}
            rows={step.preview.rows}
            rowKey={(row) => String(row.row)}
            stackBelow="sm"
            columns={[
              {
                key: 'row',
                header: t('imports.row'),
                isRowHeader: true,
                isTitleLabelled: true,
                cell: (row) => row.row,
              },
              {
                key: 'action',
                header: t('imports.action'),
                cell: (row) => (
                  <Badge variant="light" color={actionColors[row.action]}>
                    {t(`imports.actions.${row.action}`)}
                  </Badge>
                ),
              },
              {
                key: 'name',
                header: t('basket.name'),
                cell: (row) => (
                  <Stack gap={4}>
                    <span>{row.name ?? '–'}</span>
                    {row.duplicateOf?.serviceId ? (
                      <Text size="xs">
                        {t('imports.duplicateOfCard')}{' '}
                        <Anchor component={Link} to={paths.service(row.duplicateOf.serviceId)} target="_blank">
                          {row.duplicateOf.name ?? row.duplicateOf.serviceId}
                        </Anchor>
                      </Text>
                    ) : null}
                    {row.duplicateOf?.row ? (
                      <Text size="xs">{t('imports.duplicateOfRow', { row: row.duplicateOf.row })}</Text>
                    ) : null}
                  </Stack>
                ),
              },
              {
                key: 'choice',
                header: t('imports.duplicateChoice'),
                cell: (row) =>
                  row.action === 'duplicate' ? (
                    <SegmentedControl
                      size="xs"
                      aria-label={t('imports.duplicateChoiceFor', { row: row.row })}
                      disabled={step.kind === 'applying'}
                      value={createRows.has(row.row) ? 'create' : 'skip'}
                      onChange={(value) =>
                        setCreateRows((current) => {
                          const next = new Set(current);
                          if (value === 'create') next.add(row.row);
                          else next.delete(row.row);
                          return next;
                        })
                      }
                      data={[
                        { value: 'skip', label: t('imports.duplicateSkip') },
                        { value: 'create', label: t('imports.duplicateCreate') },
                      ]}
                    />
                  ) : (
                    '–'
                  ),
              },
              {
                key: 'reasons',
                header: t('imports.reasons'),
                isWide: true,
                cell: (row) => {
                  const line = (item: { column: string; messages: Record<'pl' | 'en', string> }) =>
                    item.column ? `${item.column}: ${item.messages[language]}` : item.messages[language];
                  const lines = [...row.errors.map(line), ...(row.notes ?? []).map(line)];
                  return lines.length ? (
                    <ul className="compact-list">
                      {lines.map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  ) : (
                    '–'
                  );
                },
              },
            ]}
          />
          {step.preview.newCards && step.preview.counts.create + (step.preview.counts.duplicate ?? 0) > 0 ? (
            <Radio.Group
              label={t('imports.newCards.label')}
              description={t(`imports.newCards.default.${step.preview.newCards.default}`)}
              value={newCards ?? step.preview.newCards.default}
              onChange={(value) => setNewCards(value as 'publish' | 'review')}
            >
              <Stack gap="xs" mt="xs">
                <Radio
                  value="publish"
                  label={t('imports.newCards.publish')}
                  disabled={!step.preview.newCards.canPublish || step.kind === 'applying'}
                />
                <Radio value="review" label={t('imports.newCards.review')} disabled={step.kind === 'applying'} />
              </Stack>
            </Radio.Group>
          ) : null}
          {step.kind === 'applying' ? (
            <LoadingIndicator />
          ) : (
            <Group>
              <Button
                onClick={() => void apply(step.preview)}
                disabled={
                  step.preview.counts.create +
                    step.preview.counts.update +
                    step.preview.counts.unchanged +
                    createRows.size ===
                  0
                }
              >
                {step.preview.counts.create + step.preview.counts.update + createRows.size === 0
                  ? t('imports.confirmUnchanged')
                  : t('imports.confirm', {
                      count: step.preview.counts.create + step.preview.counts.update + createRows.size,
                    })}
              </Button>
              <Button variant="default" onClick={restart}>
                {t('imports.cancel')}
              </Button>
            </Group>
          )}
        </>
      )}
      {step.kind === 'done' && (
        <Alert color="green" title={t('imports.doneTitle')} role="status">
          <Text size="sm">
            {t('imports.done', { created: step.created, updated: step.updated })}
            {step.confirmed > 0 ? ` ${t('imports.doneConfirmed', { count: step.confirmed })}` : ''}
          </Text>
          <Button mt="sm" variant="default" onClick={restart}>
            {t('imports.again')}
          </Button>
        </Alert>
      )}
    </Stack>
  );
}
