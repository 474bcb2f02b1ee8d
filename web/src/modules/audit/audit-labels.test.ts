/**
 * The audit log speaks Polish: every action of the typed catalogue has words in both languages,
 * read the way the audit page reads them.
 */
import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { auditActions } from '../../../../shared/src/contracts/audit-actions';
import pl from '../../i18n/pl.json';
import en from '../../i18n/en.json';
import { auditActionLabel, auditSubjectLabel } from './audit-labels';

async function translator(language: 'pl' | 'en'): Promise<TFunction> {
  const i18n = createInstance();
  await i18n.init({
    lng: language,
    resources: { [language]: { translation: language === 'pl' ? pl : en } },
    showSupportNotice: false,
  });
  return i18n.t.bind(i18n) as TFunction;
}

describe('audit action labels', () => {
  it.each(['pl', 'en'] as const)('names every catalogue action in words (%s)', async (language) => {
    const t = await translator(language);
    const section = (language === 'pl' ? pl : en).auditActions as Record<string, string>;
    for (const action of auditActions) {
      const label = auditActionLabel(t, action);
      expect(section[action], `${language}: ${action}`).toBeTruthy();
      expect(label, `${language}: ${action}`).toBe(section[action]);
      expect(label, `${language}: ${action}`).not.toBe(action);
    }
    // Nothing beyond the catalogue: a label without an action is a renamed or removed action.
    expect(Object.keys(section).sort()).toEqual([...auditActions].sort());
  });

  it.each(['pl', 'en'] as const)('names every domain of the catalogue for the action filter (%s)', (language) => {
    const groups = (language === 'pl' ? pl : en).auditActionGroups as Record<string, string>;
    const domains = new Set(auditActions.map((action) => action.split('.')[0]!));
    for (const domain of domains) expect(groups[domain], `${language}: ${domain}`).toBeTruthy();
    expect(Object.keys(groups).sort()).toEqual([...domains].sort());
  });

  it('reads names that contain one another (basket.import, basket.import.preview)', async () => {
    const t = await translator('pl');
    expect(auditActionLabel(t, 'basket.import')).toBe('Import koszyka z arkusza');
    expect(auditActionLabel(t, 'basket.import.preview')).toBe('Podgląd importu z arkusza');
    expect(auditActionLabel(t, 'test.somethingElse')).toBe('test.somethingElse');
  });

  it('shows the subject by name, as "brak dostępu" when hidden, by its kind otherwise', async () => {
    const t = await translator('pl');
    expect(
      auditSubjectLabel(t, { subjectType: 'partnership', subjectName: 'PZK Łódź Bałuty', subjectNameStatus: 'shown' }),
    ).toBe('partnerstwo: PZK Łódź Bałuty');
    expect(auditSubjectLabel(t, { subjectType: 'institution', subjectName: null, subjectNameStatus: 'hidden' })).toBe(
      'instytucja (brak dostępu)',
    );
    expect(auditSubjectLabel(t, { subjectType: 'session', subjectName: null, subjectNameStatus: 'none' })).toBe(
      'sesja',
    );
  });
});
