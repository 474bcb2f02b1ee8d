import { Alert, Button, Code, Group, List, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TotpDisableInput, TotpEnableInput } from '../../../shared/src/contracts/auth';
import {
  useEndOwnSession,
  useOwnSessions,
  useRevokeOtherSessions,
  useTotpDisable,
  useTotpEnable,
  useTotpSetup,
} from '../modules/accounts/own-account-api';
import { PasswordChangeForm } from '../modules/accounts/password-change-form';
import { SessionsTable } from '../modules/accounts/sessions-table';
import { useSignedInMe } from '../modules/accounts/session';
import { DetailsList } from '../modules/common/details-list';
import { applyServerErrors, useContractForm, useFieldError } from '../modules/common/forms';
import { QueryState } from '../modules/common/loading';
import { ProblemAlert } from '../modules/common/problem-alert';
import { PageTitle } from '../modules/layout/page-title';

function OwnSessions() {
  const { t } = useTranslation();
  const sessions = useOwnSessions();
  const endSession = useEndOwnSession();
  const revokeOthers = useRevokeOtherSessions();
  return (
    <>
      <Group mb="sm">
        <Button variant="default" loading={revokeOthers.isPending} onClick={() => revokeOthers.mutate()}>
          {t('account.signOutOthers')}
        </Button>
      </Group>
      {revokeOthers.isSuccess && (
        <Alert color="green" role="status" mb="sm">
          {t('account.othersSignedOut')}
        </Alert>
      )}
      {revokeOthers.error ? <ProblemAlert error={revokeOthers.error} /> : null}
      {endSession.error ? <ProblemAlert error={endSession.error} /> : null}
      <QueryState query={sessions}>
        {(data) => (
          <SessionsTable
            caption={t('account.sessionsCaption')}
            sessions={data.items}
            onEnd={(session) => endSession.mutate(session.id)}
            endingId={endSession.isPending ? (endSession.variables ?? null) : null}
          />
        )}
      </QueryState>
    </>
  );
}

function RecoveryCodesAlert({ codes }: { codes: string[] }) {
  const { t } = useTranslation();
  return (
    <Alert color="green" title={t('totp.enabled')} role="status" mb="md">
      <Text size="sm" mb="xs">
        {t('totp.recoveryCodesIntro')}
      </Text>
      <List size="sm" className="mono">
        {codes.map((code) => (
          <List.Item key={code}>{code}</List.Item>
        ))}
      </List>
    </Alert>
  );
}

function TotpEnrolment({ onEnabled }: { onEnabled: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const setup = useTotpSetup();
  const enable = useTotpEnable();
  const form = useContractForm<typeof TotpEnableInput, { code: string }>(TotpEnableInput, {
    defaultValues: { code: '' },
  });
  const errorOf = useFieldError(form);
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await enable.mutateAsync(values);
      onEnabled(result.recoveryCodes);
    } catch (error) {
      applyServerErrors(error, form, ['code']);
    }
  });
  if (!setup.data) {
    return (
      <Stack gap="xs">
        <Text>{t('totp.intro')}</Text>
        {setup.error ? <ProblemAlert error={setup.error} /> : null}
        <Button onClick={() => setup.mutate()} loading={setup.isPending} style={{ alignSelf: 'flex-start' }}>
          {t('totp.start')}
        </Button>
      </Stack>
    );
  }
  return (
    <Stack>
      <Text>{t('totp.secretIntro')}</Text>
      <DetailsList
        items={[
          { label: t('totp.secret'), value: <Code className="mono">{setup.data.secret}</Code> },
          { label: t('totp.otpauthUrl'), value: <Code className="mono">{setup.data.otpauthUrl}</Code> },
        ]}
      />
      <form onSubmit={onSubmit} noValidate>
        <Stack maw={320}>
          {enable.error ? <ProblemAlert error={enable.error} /> : null}
          <TextInput
            label={t('totp.code')}
            description={t('signIn.codeHint')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            error={errorOf('code')}
            {...form.register('code')}
          />
          <Button type="submit" loading={enable.isPending} style={{ alignSelf: 'flex-start' }}>
            {t('totp.confirm')}
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}

function TotpDisableForm() {
  const { t } = useTranslation();
  const disable = useTotpDisable();
  const form = useContractForm<typeof TotpDisableInput, { password: string }>(TotpDisableInput, {
    defaultValues: { password: '' },
  });
  const errorOf = useFieldError(form);
  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await disable.mutateAsync(values);
    } catch (error) {
      applyServerErrors(error, form, ['password']);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack maw={440}>
        <Text>{t('totp.isOn')}</Text>
        {disable.error ? <ProblemAlert error={disable.error} /> : null}
        <PasswordInput
          label={t('totp.passwordToDisable')}
          autoComplete="current-password"
          required
          error={errorOf('password')}
          {...form.register('password')}
        />
        <Button
          type="submit"
          color="red"
          variant="default"
          loading={disable.isPending}
          style={{ alignSelf: 'flex-start' }}
        >
          {t('totp.disable')}
        </Button>
      </Stack>
    </form>
  );
}

/** Own account: password, sessions, second factor. */
export function AccountPage() {
  const { t } = useTranslation();
  const me = useSignedInMe();
  const [isPasswordChanged, setIsPasswordChanged] = useState(false);
  // Shown once, right after enabling; never stored anywhere.
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  return (
    <>
      <PageTitle title={t('account.title')} />
      <DetailsList
        items={[
          { label: t('users.displayName'), value: me.displayName },
          { label: t('users.email'), value: me.email },
          {
            label: t('users.roles'),
            value: me.memberships.map((m) => `${t(`roles.${m.role}`)} – ${m.institutionName}`).join('; '),
          },
        ]}
      />
      <Title order={2} size="h3" mt="xl" mb="sm">
        {t('account.changePassword')}
      </Title>
      {isPasswordChanged && (
        <Alert color="green" role="status" mb="sm">
          {t('account.passwordChanged')}
        </Alert>
      )}
      <PasswordChangeForm onChanged={() => setIsPasswordChanged(true)} />
      <Title order={2} size="h3" mt="xl" mb="sm">
        {t('account.sessions')}
      </Title>
      <OwnSessions />
      <Title order={2} size="h3" mt="xl" mb="sm">
        {t('totp.title')}
      </Title>
      {recoveryCodes && <RecoveryCodesAlert codes={recoveryCodes} />}
      {me.isTotpEnabled ? <TotpDisableForm /> : <TotpEnrolment onEnabled={setRecoveryCodes} />}
    </>
  );
}
