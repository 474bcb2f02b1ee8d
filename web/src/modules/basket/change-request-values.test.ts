/**
 * A proposed change starts from the card's current values and sends only what the user changed;
 * a decision shows values in words.
 */
import { createInstance, type TFunction } from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../../../shared/src/contracts/basket';
import pl from '../../i18n/pl.json';
import {
  formatProposedValue,
  proposalOf,
  proposedFieldsInCardOrder,
  type ProposalFormValues,
} from './change-request-values';
import { serviceFormValuesOf } from './service-form-values';

const service: Service = {
  id: '6f1c7a52-8a4e-4c1e-9d3a-2b7f0e5c1a01',
  partnershipId: '6f1c7a52-8a4e-4c1e-9d3a-2b7f0e5c1a02',
  partnershipName: 'PZK Wieliczka',
  name: 'Asystent rodziny',
  providerInstitutionId: '6f1c7a52-8a4e-4c1e-9d3a-2b7f0e5c1a03',
  providerName: 'Ośrodek Pomocy Społecznej w Wieliczce',
  providerKind: 'ops',
  origin: 'partner',
  status: 'published',
  cooperationAreas: ['socialAssistance'],
  targetGroups: ['families', 'children'],
  cost: 'free',
  locationKind: 'atHome',
  city: 'Wieliczka',
  isStale: false,
  lastConfirmedAt: '2026-11-02T10:00:00.000Z',
  excerpt: 'Wsparcie asystenta rodziny w domu',
  description: 'Wsparcie asystenta rodziny w domu: organizacja dnia, opieka nad dziećmi.',
  isCompound: false,
  isReferralRequired: true,
  referralBy: 'pracownik socjalny OPS',
  accessDescription: null,
  eligibility: null,
  costDescription: null,
  street: null,
  postalCode: '32-020',
  territoryCode: '1219053',
  territoryName: 'Wieliczka',
  reachKind: 'gminas',
  reachCodes: ['1219053'],
  reachNames: ['Wieliczka'],
  schedule: null,
  capacity: null,
  waitingTimeDays: 14,
  contactName: null,
  contactPhone: '12 278 32 00',
  contactEmail: null,
  languages: ['pl'],
  isAccessible: true,
  accessibilityDescription: null,
  version: 3,
  createdAt: '2026-01-02T10:00:00.000Z',
  updatedAt: '2026-11-02T10:00:00.000Z',
  abilities: {
    canUpdate: false,
    canSubmit: false,
    canPublish: false,
    canSuspend: false,
    canWithdraw: false,
    canConfirm: false,
  },
};

const startingValues = (): ProposalFormValues => ({
  ...serviceFormValuesOf(service, null),
  kind: 'change',
  justification: 'Od stycznia także popołudniami.',
});

let t: TFunction;
beforeAll(async () => {
  const i18n = createInstance();
  await i18n.init({ lng: 'pl', resources: { pl: { translation: pl } }, showSupportNotice: false });
  t = i18n.t.bind(i18n) as TFunction;
});

describe('the proposal a change request sends', () => {
  it('is empty for an untouched form that starts from the card', () => {
    expect(proposalOf(startingValues(), service)).toEqual({});
  });

  it('holds only the fields the user changed, in the contract’s shape', () => {
    const values = startingValues();
    values.schedule = 'pon.–pt. 8:00–18:00';
    values.waitingTimeDays = '7';
    values.contactPhone = '';
    values.targetGroups = ['families'];
    expect(proposalOf(values, service)).toEqual({
      schedule: 'pon.–pt. 8:00–18:00',
      waitingTimeDays: 7,
      contactPhone: null,
      targetGroups: ['families'],
    });
  });

  it('is the whole card for a new service and nothing for a withdrawal', () => {
    const newService = { ...startingValues(), kind: 'newService' as const };
    expect(Object.keys(proposalOf(newService, undefined))).toEqual(
      expect.arrayContaining(['name', 'description', 'origin', 'reachCodes', 'contactPhone']),
    );
    expect(proposalOf({ ...startingValues(), kind: 'withdrawal' }, service)).toEqual({});
  });
});

describe('values in a decision', () => {
  it('are words: yes/no, list labels, names of ids and codes, dd.MM.yyyy, "(brak)"', () => {
    const labels = { '1219053': 'Wieliczka', [service.providerInstitutionId!]: 'OPS Wieliczka' };
    expect(formatProposedValue(t, 'isAccessible', true, labels, 'pl')).toBe('Tak');
    expect(formatProposedValue(t, 'targetGroups', ['families', 'children'], labels, 'pl')).toBe('Rodziny, Dzieci');
    expect(formatProposedValue(t, 'cost', 'free', labels, 'pl')).toBe(pl.costs.free);
    expect(formatProposedValue(t, 'reachCodes', ['1219053'], labels, 'pl')).toBe('Wieliczka');
    expect(formatProposedValue(t, 'providerInstitutionId', service.providerInstitutionId, labels, 'pl')).toBe(
      'OPS Wieliczka',
    );
    expect(formatProposedValue(t, 'languages', ['pl', 'uk'], labels, 'pl')).toMatch(/^polski, ukraiński$/i);
    expect(formatProposedValue(t, 'waitingTimeDays', 14, labels, 'pl')).toBe('14 dni');
    expect(formatProposedValue(t, 'schedule', null, labels, 'pl')).toBe('(brak)');
    expect(formatProposedValue(t, 'note', '2026-03-01', labels, 'pl')).toBe('01.03.2026');
  });
});

describe('the order a proposal is shown in', () => {
  it('follows the card: name and description first, whatever order the proposal was stored in', () => {
    const stored = {
      city: 'Wieliczka',
      cost: 'free',
      contactPhone: '12 278 11 11',
      name: 'Koło szachowe',
      description: 'Zajęcia',
    };
    expect(proposedFieldsInCardOrder(stored)).toEqual(['name', 'description', 'cost', 'city', 'contactPhone']);
  });
});
