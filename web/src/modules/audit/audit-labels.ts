import type { TFunction } from 'i18next';
import type { AuditEventView } from '../../../../shared/src/contracts/audit';

/**
 * Action names contain dots (`basket.import.preview`), and one name can be the start of another
 * (`basket.import`), so the `auditActions` section keeps them as flat keys and is read with a
 * separator that no action name contains.
 */
const FLAT_KEY_SEPARATOR = '>';

/** An audit action in words ("Publikacja karty"); an action the catalogue does not know stays as it is. */
export function auditActionLabel(t: TFunction, action: string): string {
  return t(`auditActions${FLAT_KEY_SEPARATOR}${action}`, { keySeparator: FLAT_KEY_SEPARATOR, defaultValue: action });
}

/** The kind of a subject in words ("partnerstwo"); an unknown kind stays as it is. */
export function auditSubjectKindLabel(t: TFunction, subjectType: string): string {
  return t(`auditSubjects.${subjectType}`, { defaultValue: subjectType });
}

/**
 * What an event was about, as the viewer may see it: "partnerstwo: PZK Łódź Bałuty" when the server
 * named it, "instytucja (brak dostępu)" when the viewer may not read it, the kind alone otherwise.
 */
export function auditSubjectLabel(
  t: TFunction,
  event: Pick<AuditEventView, 'subjectType' | 'subjectName' | 'subjectNameStatus'>,
): string {
  if (!event.subjectType) return '';
  const kind = auditSubjectKindLabel(t, event.subjectType);
  if (event.subjectNameStatus === 'shown' && event.subjectName) return `${kind}: ${event.subjectName}`;
  if (event.subjectNameStatus === 'hidden') return t('auditSubjects.noAccess', { kind });
  return kind;
}
