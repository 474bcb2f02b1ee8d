import { Alert, Button, Group, Modal, Radio, Stack, Text, Textarea } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import type { UseFormReturn } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import { CreateChangeRequestInput, type Service } from '../../../../shared/src/contracts/basket';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../common/forms';
import { ProblemAlert } from '../common/problem-alert';
import { useCreateChangeRequest } from './basket-api';
import { proposalOf, type ProposalFormValues } from './change-request-values';
import { ServiceCardFieldsets } from './service-form';
import { serviceFormValuesOf, type ServiceFormValues } from './service-form-values';

type Values = ProposalFormValues;
type Kind = Values['kind'];

type Props = {
  partnershipId: string;
  /** The card to change, with its current values; none for a proposed new service. */
  service?: Service;
  opened: boolean;
  onClose: () => void;
};

/**
 * "Zaproponuj zmianę": anyone in the partnership proposes a change of any field of a card (starting
 * from its current values), its withdrawal, or a new service (the whole card form).
 */
export function ChangeRequestModal({ partnershipId, service, opened, onClose }: Props) {
  const { t } = useTranslation();
  const create = useCreateChangeRequest();
  const isSmall = useMediaQuery('(max-width: 36em)');
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const [isUnchanged, setIsUnchanged] = useState(false);
  const [isSent, setIsSent] = useState(false);
  const defaults = (): Values => ({
    ...serviceFormValuesOf(service, null),
    // A proposed new service has no provider chosen yet: a neighbourhood one is the common case.
    ...(service ? {} : { origin: 'neighbourhood' as const }),
    kind: service ? 'change' : 'newService',
    justification: '',
  });
  const form = useContractForm<typeof CreateChangeRequestInput, Values>(CreateChangeRequestInput, {
    defaultValues: defaults(),
    prepare: (values) => ({
      partnershipId,
      kind: values.kind,
      serviceId: service?.id ?? null,
      justification: values.justification,
      proposal: proposalOf(values, service),
    }),
  });
  const errorOf = useFieldError(form);
  const kind = form.watch('kind');
  const close = () => {
    form.reset(defaults());
    setIsSent(false);
    setIsUnchanged(false);
    setProblem(null);
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    setIsUnchanged(false);
    // The parsed proposal carries the contract's defaults (zod 4): send what the user changed.
    const proposal = proposalOf(form.getValues(), service);
    if (values.kind === 'change' && Object.keys(proposal).length === 0) {
      setIsUnchanged(true);
      return;
    }
    try {
      await create.mutateAsync({ ...values, proposal: proposal as typeof values.proposal });
      setIsSent(true);
    } catch (error) {
      const rest = applyServerErrors(error, form, ['justification', 'kind', 'proposal']);
      setLeftovers(rest);
      setProblem(error);
    }
  });
  // Errors of the card's fields come as `proposal.<field>` (client and server alike).
  const proposalError = (key: string) => errorOf(`proposal.${key}`) ?? errorOf(key);
  return (
    <Modal
      opened={opened}
      onClose={close}
      size="xl"
      fullScreen={isSmall}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={service ? t('changeRequests.proposeFor', { name: service.name }) : t('changeRequests.proposeNew')}
    >
      {isSent ? (
        <Stack>
          <Text role="status">{t('changeRequests.sent')}</Text>
          <Group>
            <Button onClick={close}>{t('common.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
            {isUnchanged ? (
              <Alert color="yellow" role="alert" title={t('changeRequestDecision.unchangedTitle')}>
                {t('changeRequestDecision.unchanged')}
              </Alert>
            ) : null}
            {service && (
              <Radio.Group
                label={t('changeRequests.kind')}
                value={kind}
                onChange={(value) => form.setValue('kind', value as Kind)}
              >
                <Group mt="xs">
                  <Radio value="change" label={t('changeRequestKinds.change')} />
                  <Radio value="withdrawal" label={t('changeRequestKinds.withdrawal')} />
                </Group>
              </Radio.Group>
            )}
            {kind !== 'withdrawal' && (
              <>
                <Text size="sm">
                  {service ? t('changeRequests.proposalHint') : t('changeRequestDecision.newServiceHint')}
                </Text>
                <ServiceCardFieldsets
                  // The change request's form holds the card's values and two of its own.
                  form={form as unknown as UseFormReturn<ServiceFormValues, unknown, unknown>}
                  errorOf={proposalError}
                  service={service}
                  isProviderFixed={false}
                  fixedProvider={null}
                />
              </>
            )}
            <Textarea
              label={t('changeRequests.justification')}
              required
              autosize
              minRows={3}
              error={errorOf('justification')}
              {...form.register('justification')}
            />
            <Group>
              <Button type="submit" loading={create.isPending}>
                {t('changeRequests.send')}
              </Button>
              <Button variant="default" onClick={close}>
                {t('common.cancelShort')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

type ReasonModalProps = {
  opened: boolean;
  title: string;
  label: string;
  confirmLabel: string;
  isRequired?: boolean;
  isPending?: boolean;
  error?: unknown;
  onClose: () => void;
  onConfirm: (reason: string) => void;
};

/** Asks for a reason (suspend, withdraw, refuse) before an action. */
export function ReasonModal(props: ReasonModalProps) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [isMissing, setIsMissing] = useState(false);
  return (
    <Modal
      opened={props.opened}
      onClose={() => {
        setReason('');
        setIsMissing(false);
        props.onClose();
      }}
      title={props.title}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (props.isRequired !== false && !reason.trim()) {
            setIsMissing(true);
            return;
          }
          props.onConfirm(reason.trim());
        }}
      >
        <Stack>
          {props.error ? <ProblemAlert error={props.error} /> : null}
          <Textarea
            label={props.label}
            required={props.isRequired !== false}
            autosize
            minRows={3}
            data-autofocus
            value={reason}
            error={isMissing ? t('fieldErrors.required') : undefined}
            onChange={(event) => {
              setReason(event.currentTarget.value);
              setIsMissing(false);
            }}
          />
          <Group>
            <Button type="submit" loading={props.isPending}>
              {props.confirmLabel}
            </Button>
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancelShort')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
