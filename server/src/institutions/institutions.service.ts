/**
 * SECURITY-RELEVANT. Rules and transactions of the institution registry. Contact persons are
 * personal data: every response that carries them is covered by an audit event committed in the
 * same transaction as the read or write (docs/security.md §8-9). Refusals by the record rule are audited
 * in a transaction of their own, after the work has been rolled back.
 */
import type { z } from 'zod';
import type { Database, Executor } from '../platform/db/database.js';
import { requireActingActor, type Actor, type RequestContext } from '../platform/auth/actor.js';
import { RecordRefusal } from '../platform/auth/record-rule.js';
import { AppError, fieldError } from '../platform/http/problem.js';
import { recordAuditEvent } from '../audit/audit.service.js';
import { withRecordRule } from '../audit/refusals.js';
import type {
  CreateInstitutionInput,
  Institution,
  InstitutionPage,
  UpdateInstitutionInput,
} from '../../../shared/src/contracts/institutions.js';
import { isGminaCode } from '../territories/territories.queries.js';
import {
  accessDecidingInstitutionFields,
  canArchiveInstitution,
  canChangeInstitutionAccessFields,
  canChangeInstitutionField,
  canUpdateInstitution,
  type InstitutionRecord,
} from './institutions.policy.js';
import {
  findInstitutionById,
  findInstitutions,
  institutionNameSearch,
  insertInstitution,
  updateInstitutionRow,
  type InstitutionRow,
  type InstitutionSearch,
  type InstitutionValues,
} from './institutions.queries.js';
import { presentInstitution, presentInstitutionSummary } from './institutions.presenter.js';
import { institutionRenamed } from './institutions.events.js';

export type CreateInstitutionData = z.output<typeof CreateInstitutionInput>;
export type UpdateInstitutionData = z.output<typeof UpdateInstitutionInput>;

const SUBJECT_TYPE = 'institution';

function abilitiesFor(actor: Actor, row: InstitutionRow): Institution['abilities'] {
  const record: InstitutionRecord = {
    id: row.id,
    registeredByInstitutionId: row.registeredByInstitutionId,
    archivedAt: row.archivedAt,
    hasOwnStaff: row.hasOwnStaff,
  };
  const canUpdate = canUpdateInstitution(actor, record);
  return {
    canUpdate,
    canArchive: canArchiveInstitution(actor, record),
    canChangeAccessFields: canUpdate && canChangeInstitutionAccessFields(actor),
  };
}

/** Contacts are stored with every key present, so later reads and diffs see one shape. */
function normalizeContacts(contacts: CreateInstitutionData['contacts']) {
  return contacts.map((contact) => ({
    name: contact.name,
    position: contact.position ?? null,
    email: contact.email ?? null,
    phone: contact.phone ?? null,
  }));
}

async function assertGmina(tx: Executor, territoryCode: string): Promise<void> {
  if (!(await isGminaCode(tx, territoryCode))) {
    throw new AppError('validation', [fieldError('territoryCode', 'unknownTerritory')]);
  }
}

/** A page of the registry. Summaries carry no personal data, so the list is not audited per row. */
export async function listInstitutions(db: Database, search: InstitutionSearch): Promise<InstitutionPage> {
  // One statement gives the page and its total (findInstitutions), so no transaction is needed.
  const { rows, total } = await findInstitutions(db, search);
  return { items: rows.map(presentInstitutionSummary), total, page: search.page, pageSize: search.pageSize };
}

/**
 * Registers an institution on behalf of the actor's institution, which may then keep it current
 * until the new institution has staff of its own. A deployment administrator registers for nobody:
 * the admin's own institution gains no say over what the admin registered.
 */
export async function createInstitution(
  db: Database,
  context: RequestContext,
  input: CreateInstitutionData,
): Promise<Institution> {
  const actor = requireActingActor(context);
  return db.transaction(async (tx) => {
    // A deployment administrator registers for no institution (issue 6, item 5).
    const registrar = actor.membership.role === 'admin' ? null : actor.membership.institutionId;
    const id = await registerInstitutionInTransaction(tx, context, input, registrar);
    const row = await findInstitutionById(tx, id);
    return presentInstitution(row!, abilitiesFor(actor, row!));
  });
}

/**
 * Inserts an institution and its audit event in the caller's transaction and returns its id. The one
 * way institutions are created: by `createInstitution`, and by `npm run admin:create` for the first
 * administrator's institution (registered by no institution, so `registeredByInstitutionId` is null).
 */
export async function registerInstitutionInTransaction(
  tx: Executor,
  context: RequestContext,
  input: CreateInstitutionData,
  registeredByInstitutionId: string | null,
): Promise<string> {
  await assertGmina(tx, input.territoryCode);
  const values: InstitutionValues = {
    name: input.name,
    shortName: input.shortName ?? null,
    nameSearch: institutionNameSearch(input.name, input.shortName),
    kind: input.kind,
    sector: input.sector,
    cooperationAreas: [...new Set(input.cooperationAreas)],
    territoryCode: input.territoryCode,
    street: input.street ?? null,
    postalCode: input.postalCode ?? null,
    city: input.city ?? null,
    email: input.email ?? null,
    phone: input.phone ?? null,
    website: input.website ?? null,
    contacts: normalizeContacts(input.contacts),
    registeredByInstitutionId,
  };
  const id = await insertInstitution(tx, values);
  // Field names only: the values (contact persons) are personal data.
  const fields = Object.keys(input)
    .filter((key) => input[key as keyof CreateInstitutionData] !== undefined)
    .sort();
  await recordAuditEvent(tx, context, {
    action: 'institution.create',
    subjectType: SUBJECT_TYPE,
    subjectId: id,
    details: { fields },
  });
  return id;
}

/** The full record; fails closed: nothing is returned unless the read's audit event commits. */
export async function readInstitution(db: Database, context: RequestContext, id: string): Promise<Institution> {
  const actor = requireActingActor(context);
  return db.transaction(async (tx) => {
    const row = await findInstitutionById(tx, id);
    if (!row) throw new AppError('notFound');
    await recordAuditEvent(tx, context, { action: 'institution.read', subjectType: SUBJECT_TYPE, subjectId: id });
    return presentInstitution(row, abilitiesFor(actor, row));
  });
}

type EditableField = Exclude<keyof UpdateInstitutionData, 'version'>;
const editableFields: readonly EditableField[] = [
  'name',
  'shortName',
  'kind',
  'sector',
  'cooperationAreas',
  'territoryCode',
  'street',
  'postalCode',
  'city',
  'email',
  'phone',
  'website',
  'contacts',
];

/** Fields the input really changes, in the stored shape; `undefined` in the input means "keep". */
function diffInstitution(row: InstitutionRow, input: UpdateInstitutionData): Partial<InstitutionValues> {
  const changes: Record<string, unknown> = {};
  for (const field of editableFields) {
    const value = input[field];
    if (value === undefined) continue;
    const next =
      field === 'contacts'
        ? normalizeContacts(value as CreateInstitutionData['contacts'])
        : field === 'cooperationAreas'
          ? [...new Set(value as string[])]
          : value;
    // jsonb reorders object keys, so stored contacts are rebuilt in our key order before comparing.
    const current =
      field === 'contacts' ? normalizeContacts(Array.isArray(row.contacts) ? row.contacts : []) : (row[field] ?? null);
    if (JSON.stringify(next) !== JSON.stringify(current)) changes[field] = next;
  }
  return changes as Partial<InstitutionValues>;
}

/**
 * Optimistic concurrency: the client sends the version it read; a stale one is refused with 409 so
 * that nobody overwrites a colleague's change unseen. Order of answers: 404, then 403, then 409,
 * so an actor who may not edit learns nothing about versions.
 */
export async function updateInstitution(
  db: Database,
  context: RequestContext,
  id: string,
  input: UpdateInstitutionData,
): Promise<Institution> {
  const actor = requireActingActor(context);
  const subject = { action: 'institution.update' as const, subjectType: SUBJECT_TYPE, subjectId: id };
  return withRecordRule(db, context, async (tx) => {
    const row = await findInstitutionById(tx, id, { forUpdate: true });
    if (!row) throw new AppError('notFound');
    if (!canUpdateInstitution(actor, row)) throw RecordRefusal.notAllowed(subject);
    if (row.version !== input.version) throw new AppError('conflict');
    const changes = diffInstitution(row, input);
    const fields = Object.keys(changes).sort();
    // Sending the current kind or territory back (the edit form sends the whole record) is no change.
    const accessChanges = accessDecidingInstitutionFields.filter((field) => changes[field] !== undefined);
    const refusedFields = fields.filter((field) => !canChangeInstitutionField(actor, row, field));
    if (refusedFields.length > 0) throw RecordRefusal.accessDecidingFields(subject, refusedFields);
    if (changes.territoryCode !== undefined) await assertGmina(tx, changes.territoryCode);
    if (changes.name !== undefined || changes.shortName !== undefined) {
      changes.nameSearch = institutionNameSearch(
        changes.name ?? row.name,
        changes.shortName !== undefined ? changes.shortName : row.shortName,
      );
    }
    if (fields.length > 0 && !(await updateInstitutionRow(tx, id, input.version, changes)))
      throw new AppError('conflict');
    if (changes.name !== undefined || changes.shortName !== undefined) {
      await institutionRenamed.publish(tx, { institutionId: id });
    }
    if (accessChanges.length > 0) {
      // A permission change for everyone working there (like user.membership.add): old and new values
      // are kept, as they are reference data (a kind, a TERYT code), not personal data.
      await recordAuditEvent(tx, context, {
        action: 'institution.access.update',
        subjectType: SUBJECT_TYPE,
        subjectId: id,
        details: {
          changes: Object.fromEntries(accessChanges.map((field) => [field, { from: row[field], to: changes[field] }])),
        },
      });
    }
    // Also recorded when nothing changed: the response still discloses the contact persons.
    await recordAuditEvent(tx, context, {
      action: 'institution.update',
      subjectType: SUBJECT_TYPE,
      subjectId: id,
      details: { fields },
    });
    const updated = await findInstitutionById(tx, id);
    return presentInstitution(updated!, abilitiesFor(actor, updated!));
  });
}

/** Archives or restores; records are never deleted, as partnerships and history refer to them. */
export async function setInstitutionArchived(
  db: Database,
  context: RequestContext,
  id: string,
  isArchived: boolean,
): Promise<Institution> {
  const actor = requireActingActor(context);
  const action = isArchived ? 'institution.archive' : 'institution.restore';
  return withRecordRule(db, context, async (tx) => {
    const row = await findInstitutionById(tx, id, { forUpdate: true });
    if (!row) throw new AppError('notFound');
    if (!canArchiveInstitution(actor, row)) {
      throw RecordRefusal.notAllowed({ action, subjectType: SUBJECT_TYPE, subjectId: id });
    }
    const isChanged = (row.archivedAt !== null) !== isArchived;
    if (isChanged) await updateInstitutionRow(tx, id, row.version, { archivedAt: isArchived ? new Date() : null });
    await recordAuditEvent(tx, context, { action, subjectType: SUBJECT_TYPE, subjectId: id, details: { isChanged } });
    const updated = await findInstitutionById(tx, id);
    return presentInstitution(updated!, abilitiesFor(actor, updated!));
  });
}
