import { Alert, Anchor, Button, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SendServiceLeafletInput, type Service } from '../../../../shared/src/contracts/basket';
import { ApiError } from '../../api/client';
import { applyServerErrors, useContractForm, useFieldError } from '../common/forms';
import { ProblemAlert } from '../common/problem-alert';
import { basketFiles, useSendServiceLeaflet } from './basket-api';

type Values = { email: string };

/**
 * "Wyślij kartę e-mailem": the client's address for one message with the card (PDF). The address
 * stays in this form only; after sending, the form is emptied and the mutation forgotten.
 */
function LeafletEmailModal({ service, opened, onClose }: { service: Service; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const send = useSendServiceLeaflet(service.id);
  const [problem, setProblem] = useState<unknown>(null);
  const [isSent, setIsSent] = useState(false);
  const form = useContractForm<typeof SendServiceLeafletInput, Values>(SendServiceLeafletInput, {
    defaultValues: { email: '' },
  });
  const errorOf = useFieldError(form);
  const close = () => {
    form.reset();
    send.reset();
    setProblem(null);
    setIsSent(false);
    onClose();
  };
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      await send.mutateAsync(values);
      form.reset();
      send.reset();
      setIsSent(true);
    } catch (error) {
      applyServerErrors(error, form, ['email']);
      setProblem(error);
    }
  });
  const isRateLimited = problem instanceof ApiError && problem.status === 429;
  return (
    <Modal
      opened={opened}
      onClose={close}
      closeButtonProps={{ 'aria-label': t('common.close') }}
      title={t('leaflet.emailTitle', { name: service.name })}
    >
      {isSent ? (
        <Stack>
          <Text role="status">{t('leaflet.sent')}</Text>
          <Group>
            <Button onClick={() => setIsSent(false)} variant="default">
              {t('leaflet.sendAnother')}
            </Button>
            <Button onClick={close}>{t('common.close')}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            {isRateLimited ? (
              <Alert color="red" variant="light" title={t('errors.title')} role="alert">
                {t('leaflet.rateLimited')}
              </Alert>
            ) : problem ? (
              <ProblemAlert error={problem} />
            ) : null}
            <Text size="sm">{t('leaflet.emailHint')}</Text>
            <TextInput
              label={t('leaflet.emailLabel')}
              description={t('leaflet.emailExample')}
              type="email"
              autoComplete="off"
              required
              data-autofocus
              error={errorOf('email')}
              {...form.register('email')}
            />
            <Group>
              <Button type="submit" loading={send.isPending}>
                {t('leaflet.send')}
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

/** What a worker can do with a card for their client today: print it, download it to edit, or send it by e-mail. */
export function LeafletActions({ service }: { service: Service }) {
  const { t } = useTranslation();
  const [isSending, setIsSending] = useState(false);
  return (
    <section aria-labelledby="leaflet-actions-title">
      <Title order={2} size="h4" id="leaflet-actions-title" mb="xs">
        {t('leaflet.forClient')}
      </Title>
      <Group mb="md" gap="sm" wrap="wrap">
        <Anchor href={basketFiles.leaflet(service.id)} target="_blank" rel="noopener">
          {t('leaflet.print')}
        </Anchor>
        <Anchor href={basketFiles.leafletDocx(service.id)} download>
          {t('leaflet.downloadDocx')}
        </Anchor>
        <Button variant="light" size="xs" onClick={() => setIsSending(true)}>
          {t('leaflet.emailOpen')}
        </Button>
      </Group>
      <LeafletEmailModal service={service} opened={isSending} onClose={() => setIsSending(false)} />
    </section>
  );
}
