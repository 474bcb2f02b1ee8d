import { Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { z } from 'zod';
import { LoginInput, LoginResult, SecondFactorInput } from '../../../shared/src/contracts/auth';
import { apiRequest, setCsrfToken } from '../api/client';
import { storeMe, useMe } from '../modules/accounts/session';
import { applyServerErrors, useContractForm, useFieldError, type LeftoverFieldError } from '../modules/common/forms';
import { ProblemAlert } from '../modules/common/problem-alert';
import { PageTitle } from '../modules/layout/page-title';
import { paths } from '../paths';
import type { Me } from '../../../shared/src/contracts/auth';

type Step = 'credentials' | 'secondFactor';

function targetAfterSignIn(state: unknown): string {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && from !== paths.signIn ? from : paths.home;
}

function CredentialsForm({ onSignedIn, onSecondFactor }: { onSignedIn: (me: Me) => void; onSecondFactor: () => void }) {
  const { t } = useTranslation();
  const form = useContractForm(LoginInput, { defaultValues: { email: '', password: '' } });
  const errorOf = useFieldError(form);
  const [problem, setProblem] = useState<unknown>(null);
  const [leftovers, setLeftovers] = useState<LeftoverFieldError[]>([]);
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      const result = await apiRequest('/auth/login', {
        method: 'POST',
        body: values,
        schema: LoginResult,
        isAuthProbe: true,
      });
      if (result.status === 'signedIn') onSignedIn(result.me);
      else {
        setCsrfToken(result.csrfToken);
        onSecondFactor();
      }
    } catch (error) {
      setLeftovers(applyServerErrors(error, form, ['email', 'password']));
      setProblem(error);
      form.setValue('password', '');
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        {problem ? <ProblemAlert error={problem} leftovers={leftovers} /> : null}
        <TextInput
          label={t('signIn.email')}
          type="email"
          autoComplete="username"
          required
          error={errorOf('email')}
          {...form.register('email')}
        />
        <PasswordInput
          label={t('signIn.password')}
          autoComplete="current-password"
          required
          error={errorOf('password')}
          {...form.register('password')}
        />
        <Button type="submit" loading={form.formState.isSubmitting}>
          {t('signIn.submit')}
        </Button>
      </Stack>
    </form>
  );
}

function SecondFactorForm({ onSignedIn, onCancel }: { onSignedIn: (me: Me) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [useRecoveryCode, setUseRecoveryCode] = useState(false);
  const form = useContractForm(SecondFactorInput, {
    defaultValues: { code: '', recoveryCode: '' },
    prepare: (values) => (useRecoveryCode ? { recoveryCode: values.recoveryCode } : { code: values.code }),
  });
  const errorOf = useFieldError(form);
  const [problem, setProblem] = useState<unknown>(null);
  const onSubmit = form.handleSubmit(async (values) => {
    setProblem(null);
    try {
      const result = await apiRequest('/auth/login/second-factor', {
        method: 'POST',
        body: values,
        schema: LoginResult,
        isAuthProbe: true,
      });
      if (result.status === 'signedIn') onSignedIn(result.me);
    } catch (error) {
      applyServerErrors(error, form, ['code', 'recoveryCode']);
      setProblem(error);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate>
      <Stack>
        <Text>{t('signIn.secondFactorIntro')}</Text>
        {problem ? <ProblemAlert error={problem} /> : null}
        {useRecoveryCode ? (
          <TextInput
            key="recovery"
            label={t('signIn.recoveryCode')}
            autoComplete="off"
            required
            error={errorOf('recoveryCode') ?? errorOf('code')}
            {...form.register('recoveryCode')}
          />
        ) : (
          <TextInput
            key="code"
            label={t('signIn.code')}
            description={t('signIn.codeHint')}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            required
            error={errorOf('code')}
            {...form.register('code')}
          />
        )}
        <Button type="submit" loading={form.formState.isSubmitting}>
          {t('signIn.verify')}
        </Button>
        <Anchor component="button" type="button" onClick={() => setUseRecoveryCode((value) => !value)}>
          {useRecoveryCode ? t('signIn.useAppCode') : t('signIn.useRecoveryCode')}
        </Anchor>
        <Anchor component="button" type="button" onClick={onCancel}>
          {t('signIn.startOver')}
        </Anchor>
      </Stack>
    </form>
  );
}

/** Sign-in: e-mail and password, then a TOTP or recovery code when the account has one. */
export function SignInPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>('credentials');
  if (me) return <Navigate to={targetAfterSignIn(location.state)} replace />;
  const onSignedIn = (signedIn: Me) => {
    storeMe(queryClient, signedIn);
    navigate(targetAfterSignIn(location.state), { replace: true });
  };
  return (
    <Paper maw={440} mx="auto" p="lg" withBorder>
      <PageTitle title={step === 'credentials' ? t('signIn.title') : t('signIn.secondFactorTitle')} />
      {step === 'credentials' ? (
        <CredentialsForm onSignedIn={onSignedIn} onSecondFactor={() => setStep('secondFactor')} />
      ) : (
        <SecondFactorForm
          onSignedIn={onSignedIn}
          onCancel={() => {
            void apiRequest('/auth/logout', { method: 'POST', schema: z.unknown(), isAuthProbe: true })
              .catch(() => undefined)
              .finally(() => setCsrfToken(null));
            setStep('credentials');
          }}
        />
      )}
    </Paper>
  );
}
