import { Alert, Badge, Button, Group, Progress, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportPreview } from '../../../../shared/src/contracts/basket';
import { ApiError } from '../../api/client';
import { currentLanguage } from '../../i18n/i18n';
import type { LeftoverFieldError } from '../common/forms';
import { DataTable } from '../common/data-table';
import { LoadingIndicator } from '../common/loading';
import { ProblemAlert } from '../common/problem-alert';
import { confirmImport, uploadImport } from './basket-api';

type Step =
  | { kind: 'choose' }
  | { kind: 'uploading'; percent: number }
  | { kind: 'preview'; preview: ImportPreview }
  | { kind: 'applying'; preview: ImportPreview }
  | { kind: 'done'; created: number; updated: number };

/**
 * The server's reasons with its problem (the file's "not a basket sheet", "too many rows", a row
 * that failed on confirmation), in the current language, unless one only repeats the message.
 */
function problemReasons(error: unknown, language: 'pl' | 'en'): LeftoverFieldError[] {
  if (!(error instanceof ApiError)) return [];
  const message = error.problem.messages[language];
  return (error.problem.errors ?? [])
    .filter((item) => item.messages[language] !== message)
    .map((item) => ({ field: '(body)', message: item.messages[language] }));
}

const actionColors = { create: 'green', update: 'blue', unchanged: 'gray', reject: 'red' } as const;

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
  const language = currentLanguage();

  const upload = async () => {
    if (!file) return;
    setError(null);
    setStep({ kind: 'uploading', percent: 0 });
    try {
      const preview = await uploadImport(partnershipId, format, file, (percent) =>
        setStep({ kind: 'uploading', percent }),
      );
      setStep({ kind: 'preview', preview });
    } catch (caught) {
      setError(caught);
      setStep({ kind: 'choose' });
    }
  };
  const apply = async (preview: ImportPreview) => {
    setError(null);
    setStep({ kind: 'applying', preview });
    try {
      const result = await confirmImport(partnershipId, preview.importId);
      setStep({ kind: 'done', created: result.created, updated: result.updated });
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
      {error ? <ProblemAlert error={error} leftovers={problemReasons(error, language)} /> : null}
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
          <Text size="sm">{t('imports.nothingYet')}</Text>
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
              { key: 'name', header: t('basket.name'), cell: (row) => row.name ?? '–' },
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
          {step.kind === 'applying' ? (
            <LoadingIndicator />
          ) : (
            <Group>
              <Button
                onClick={() => void apply(step.preview)}
                disabled={step.preview.counts.create + step.preview.counts.update === 0}
              >
                {t('imports.confirm', { count: step.preview.counts.create + step.preview.counts.update })}
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
          <Text size="sm">{t('imports.done', { created: step.created, updated: step.updated })}</Text>
          <Button mt="sm" variant="default" onClick={restart}>
            {t('imports.again')}
          </Button>
        </Alert>
      )}
    </Stack>
  );
}
