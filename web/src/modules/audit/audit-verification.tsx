import { Alert, Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../common/format';
import { ProblemAlert } from '../common/problem-alert';
import { useVerifyAudit } from './audit-api';

/**
 * Verifies the audit log on request and shows the result with the sealing state: the last seal,
 * sealed and pending entries, and a warning when old entries are not sealed (the sealer stopped).
 */
export function AuditVerification() {
  const { t } = useTranslation();
  const verify = useVerifyAudit();
  const result = verify.data;
  const reason = result?.reason ? t(`auditBreaks.${result.reason}`, { defaultValue: result.reason }) : '';
  return (
    <Group align="start" mb="lg" wrap="wrap">
      <Button onClick={() => verify.mutate()} loading={verify.isPending} variant="default">
        {t('audit.verify')}
      </Button>
      <div aria-live="polite" style={{ flex: '1 1 20rem' }}>
        {verify.error ? <ProblemAlert error={verify.error} /> : null}
        {result && (
          <Alert
            color={result.isValid ? (result.staleUnsealedCount > 0 ? 'yellow' : 'green') : 'red'}
            title={result.isValid ? t('audit.chainValid') : t('audit.chainBroken')}
          >
            {!result.isValid && (
              <Text size="sm">
                {result.firstBrokenId !== null
                  ? t('audit.firstBroken', { id: result.firstBrokenId, reason })
                  : t('audit.firstBrokenSeal', { id: result.firstBrokenSealId ?? '?', reason })}
              </Text>
            )}
            <Text size="sm">{t('audit.checked', { count: result.checkedCount })}</Text>
            <Text size="sm">
              {t('audit.sealing', {
                sealed: result.sealedCount,
                blocks: result.sealCount,
                unsealed: result.unsealedCount,
              })}{' '}
              {result.lastSealedAt
                ? t('audit.lastSealedAt', { time: formatDateTime(result.lastSealedAt) })
                : t('audit.neverSealed')}
            </Text>
            {result.staleUnsealedCount > 0 && (
              <Text size="sm">{t('audit.staleUnsealed', { count: result.staleUnsealedCount })}</Text>
            )}
          </Alert>
        )}
      </div>
    </Group>
  );
}
