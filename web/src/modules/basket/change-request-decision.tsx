import { Alert, Button, Group, Modal, Stack, Table, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChangeRequest } from '../../../../shared/src/contracts/basket';
import { formatDate } from '../common/format';
import { QueryState } from '../common/loading';
import { ProblemAlert } from '../common/problem-alert';
import { useChangeRequest, useChangeRequestStep } from './basket-api';
import { formatProposedValue, proposedFieldsInCardOrder } from './change-request-values';

type Step = 'read' | 'confirmApply' | 'refuse';

/** Shows what the request proposes: beside the card's current values for a change (reviewers and deciders). */
function ProposalComparison({ request }: { request: ChangeRequest }) {
  const { t, i18n } = useTranslation();
  if (request.kind === 'withdrawal') return <Text>{t('changeRequestDecision.withdrawal')}</Text>;
  const fields = proposedFieldsInCardOrder(request.proposal);
  const current = request.currentValues;
  const labels = request.valueLabels;
  if (fields.length === 0) return <Text>{t('changeRequestDecision.empty')}</Text>;
  return (
    // No horizontal scrolling (a scrolled region would need its own tab stop): long values wrap.
    <Table withTableBorder withColumnBorders verticalSpacing="xs" style={{ overflowWrap: 'anywhere' }}>
      <caption className="visually-hidden">{t('changeRequestDecision.comparisonCaption')}</caption>
      <Table.Thead>
        <Table.Tr>
          <Table.Th scope="col">{t('changeRequestDecision.field')}</Table.Th>
          {current && <Table.Th scope="col">{t('changeRequestDecision.current')}</Table.Th>}
          <Table.Th scope="col">{t('changeRequestDecision.proposed')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {fields.map((field) => (
          <Table.Tr key={field}>
            <Table.Th scope="row">
              {t(`serviceFields.${field}`, { defaultValue: field })}
              {request.changedSinceProposal.includes(field) && (
                <Text size="xs" c="orange.9">
                  {t('changeRequestDecision.changedSince')}
                </Text>
              )}
            </Table.Th>
            {current && (
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>
                {formatProposedValue(t, field, current[field], labels, i18n.language)}
              </Table.Td>
            )}
            <Table.Td style={{ whiteSpace: 'pre-wrap' }}>
              {formatProposedValue(t, field, request.proposal[field], labels, i18n.language)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Whether applying changes a card that people see now (a second, explicit confirmation first). */
function changesPublishedCard(request: ChangeRequest): boolean {
  return request.kind !== 'newService' && request.serviceStatus === 'published';
}

function DecisionBody({ request, onDone }: { request: ChangeRequest; onDone: () => void }) {
  const { t } = useTranslation();
  const step = useChangeRequestStep();
  const [stage, setStage] = useState<Step>('read');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [isReasonMissing, setIsReasonMissing] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  // The pressed button is gone once the next step shows: keyboard focus moves on to that step.
  useEffect(() => {
    if (stage === 'confirmApply') confirmRef.current?.focus();
    if (stage === 'refuse') reasonRef.current?.focus();
  }, [stage]);
  const canReview = request.abilities.canReview && request.status === 'pending';
  const canDecide = request.abilities.canDecide && request.status === 'reviewed';
  const apply = () =>
    step.mutate({ id: request.id, kind: 'decision', body: { decision: 'apply' } }, { onSuccess: onDone });
  return (
    <Stack>
      <Text size="sm">
        <strong>{t(`changeRequestKinds.${request.kind}`)}</strong> · {request.requestedByDisplayName}
        {request.requestedByInstitutionName ? `, ${request.requestedByInstitutionName}` : ''} ·{' '}
        {formatDate(request.createdAt)}
      </Text>
      {request.changedSinceProposal.length > 0 && (
        <Alert color="orange" title={t('changeRequestDecision.changedSinceTitle')}>
          {t('changeRequestDecision.changedSinceText')}
        </Alert>
      )}
      <ProposalComparison request={request} />
      <div>
        <Text fw={600} size="sm">
          {t('changeRequests.justification')}
        </Text>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{request.justification ?? t('changeRequestDecision.empty')}</Text>
      </div>
      {request.reviewedAt && (
        <div>
          <Text fw={600} size="sm">
            {t('changeRequests.reviewNote')}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap' }}>
            {request.reviewNote ?? t('changeRequestDecision.noNote')} ({request.reviewedByDisplayName},{' '}
            {formatDate(request.reviewedAt)})
          </Text>
        </div>
      )}
      {step.error ? <ProblemAlert error={step.error} /> : null}
      {canReview && (
        <Stack gap="xs">
          <Textarea
            label={t('changeRequests.reviewNote')}
            autosize
            minRows={2}
            value={note}
            onChange={(event) => setNote(event.currentTarget.value)}
          />
          <Group>
            <Button
              loading={step.isPending}
              onClick={() =>
                step.mutate(
                  { id: request.id, kind: 'review', body: { note: note.trim() || null } },
                  { onSuccess: onDone },
                )
              }
            >
              {t('changeRequestDecision.markReviewed')}
            </Button>
          </Group>
        </Stack>
      )}
      {canDecide && stage === 'read' && (
        <Group>
          <Button
            loading={step.isPending}
            onClick={() => (changesPublishedCard(request) ? setStage('confirmApply') : apply())}
          >
            {t('changeRequestDecision.apply')}
          </Button>
          <Button color="red" variant="light" onClick={() => setStage('refuse')}>
            {t('changeRequestDecision.refuse')}
          </Button>
        </Group>
      )}
      {canDecide && stage === 'confirmApply' && (
        <Alert color="yellow" role="alert" title={t('changeRequestDecision.confirmTitle')}>
          <Stack gap="xs">
            <Text size="sm">{t('changeRequestDecision.confirmText')}</Text>
            <Group>
              <Button ref={confirmRef} loading={step.isPending} onClick={apply}>
                {t('changeRequestDecision.confirmApply')}
              </Button>
              <Button variant="default" onClick={() => setStage('read')}>
                {t('changeRequestDecision.back')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      {canDecide && stage === 'refuse' && (
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            if (!reason.trim()) {
              setIsReasonMissing(true);
              return;
            }
            step.mutate(
              { id: request.id, kind: 'decision', body: { decision: 'refuse', reason: reason.trim() } },
              { onSuccess: onDone },
            );
          }}
        >
          <Stack gap="xs">
            <Textarea
              label={t('changeRequestDecision.refuseReason')}
              required
              autosize
              minRows={3}
              ref={reasonRef}
              value={reason}
              error={isReasonMissing ? t('fieldErrors.required') : undefined}
              onChange={(event) => {
                setReason(event.currentTarget.value);
                setIsReasonMissing(false);
              }}
            />
            <Group>
              <Button type="submit" color="red" loading={step.isPending}>
                {t('changeRequestDecision.refuse')}
              </Button>
              <Button variant="default" onClick={() => setStage('read')}>
                {t('changeRequestDecision.back')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}

type Props = { requestId: string | null; label: string; onClose: () => void };

/**
 * "Wniosek o zmianę: <usługa>": the request read anew (an audited read; reviewers and deciders get
 * the card's live values beside the proposed ones), with the actions named for what they do.
 */
export function ChangeRequestDecisionModal({ requestId, label, onClose }: Props) {
  const { t } = useTranslation();
  const isSmall = useMediaQuery('(max-width: 36em)');
  const query = useChangeRequest(requestId);
  return (
    <Modal
      opened={requestId !== null}
      onClose={onClose}
      size="xl"
      fullScreen={isSmall}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={t('changeRequestDecision.title', { name: label })}
    >
      <QueryState query={query}>{(request) => <DecisionBody request={request} onDone={onClose} />}</QueryState>
    </Modal>
  );
}
