/**
 * SECURITY-RELEVANT. The basket as Open Referral HSDS 3.0 open data: the signed-in export (with
 * contact persons, so audited in the same transaction as the read), the public export (published
 * cards of a public page, no personal data) and the import preview (validated against the official
 * schema first, nothing written to the basket until the user confirms through the import route).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Database, Executor } from '../../platform/db/database.js';
import type { RequestContext } from '../../platform/auth/actor.js';
import { AppError, zodIssuesToFieldErrors, type FieldError, type Messages } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { unsafeFindPartnershipAccessRecord } from '../../partnerships/partnerships.queries.js';
import { defineWorkerJob } from '../../platform/workers/worker-jobs.js';
import { CreateServiceInput, type ImportPreview } from '../../../../shared/src/contracts/basket.js';
import { canReadBasket } from '../basket.policy.js';
import { validateServiceCard, type ServiceCardData } from '../cards/cards.store.js';
import { buildHsdsDocument, hsdsServiceResolver, type HsdsDocument, type ImportNoteCode } from './hsds.mapping.js';
import {
  findImportInstitutions,
  findOwnServices,
  findPartnershipHeader,
  findProviders,
  findTerritoryInfo,
  unsafeFindPublishedServices,
} from './hsds.queries.js';
import type { readHsdsUpload } from './hsds.read.js';
import type { ImportJobs } from './import-jobs.js';
import {
  authorizeImport,
  changedCardFields,
  storeImportPreview,
  type ImportRowMessage,
  type StoredImportRow,
} from './import-preview.js';

/** The card as the import reads it: the card form's checks, without the partnership (it is the route's). */
const ImportedCard = CreateServiceInput.omit({ partnershipId: true });

const noteMessages: Record<ImportNoteCode, Messages> = {
  defaultArea: {
    pl: 'Brak obszaru współpracy w danych HSDS: przyjęto „pomoc społeczna”.',
    en: 'No cooperation area in the HSDS data: social assistance assumed.',
  },
  defaultTargetGroup: {
    pl: 'Brak grupy docelowej w danych HSDS: przyjęto „wszyscy”.',
    en: 'No target group in the HSDS data: “all” assumed.',
  },
  defaultReach: {
    pl: 'Brak obszaru działania (service_areas z kodem TERYT): przyjęto gminę partnerstwa.',
    en: 'No service area with a TERYT code: the partnership’s gmina assumed.',
  },
  defaultCost: {
    pl: 'Brak informacji o odpłatności: przyjęto „bezpłatna” – sprawdź.',
    en: 'No cost information: free assumed; please check.',
  },
  defaultLocation: {
    pl: 'Brak miejsca realizacji: przyjęto „zdalnie”.',
    en: 'No location: remote assumed.',
  },
  organizationNotFound: {
    pl: 'Nie znaleziono organizacji usługi w dokumencie: realizator nieznany.',
    en: 'The service’s organization is not in the document: provider unknown.',
  },
};

async function exportDocument(
  db: Executor,
  partnershipId: string,
  options: { includeContactPersons: boolean; publisherUrl?: string },
): Promise<HsdsDocument> {
  const partnership = await findPartnershipHeader(db, partnershipId);
  if (!partnership) throw new AppError('notFound');
  const rows = await unsafeFindPublishedServices(db, partnershipId);
  const providers = await findProviders(
    db,
    rows.map((r) => r.providerInstitutionId).filter((id): id is string => id !== null),
  );
  const codes = [partnership.territoryCode, ...rows.flatMap((r) => [...r.reachCodes, r.territoryCode ?? ''])];
  const territories = await findTerritoryInfo(db, codes.filter(Boolean));
  return buildHsdsDocument({
    partnership,
    services: rows,
    providers,
    territories,
    includeContactPersons: options.includeContactPersons,
    generatedAt: new Date(),
    publisherUrl: options.publisherUrl,
  });
}

/**
 * The partnership's published basket as HSDS, for those who may read the basket (404 otherwise).
 * It names contact persons, so the read is audited in its own transaction before anything leaves.
 */
export async function exportBasketHsds(
  db: Database,
  context: RequestContext,
  partnershipId: string,
): Promise<HsdsDocument> {
  const actor = context.actor;
  if (!actor?.membership) throw new AppError('forbidden');
  return db.transaction(async (tx) => {
    const partnership = await unsafeFindPartnershipAccessRecord(tx, partnershipId);
    if (!partnership || !canReadBasket(actor, partnership)) throw new AppError('notFound');
    const document = await exportDocument(tx, partnershipId, { includeContactPersons: true });
    await recordAuditEvent(tx, context, {
      action: 'basket.export',
      subjectType: 'partnership',
      subjectId: partnershipId,
      details: { format: 'hsds', count: document.services.length },
    });
    return document;
  });
}

/** Public open data of a public basket page: no contact persons; callers check the page is public. */
export async function exportPublicBasketHsds(
  db: Executor,
  partnershipId: string,
  publisherUrl: string,
): Promise<HsdsDocument> {
  return exportDocument(db, partnershipId, { includeContactPersons: false, publisherUrl });
}

const toRowErrors = (errors: FieldError[], prefix: string): ImportRowMessage[] =>
  errors.map((e) => ({ column: `${prefix}.${e.field}`, messages: e.messages }));

/** The worker half of the import (hsds.read.ts). */
const readHsdsJob = defineWorkerJob<typeof readHsdsUpload>(
  new URL('./hsds.read.ts', import.meta.url),
  'readHsdsUpload',
);

/**
 * Reads an HSDS document (the request's bytes) into an import preview. Order of answers: 404 (no
 * such basket for the caller), 403 (may read, may not import), then, from the import worker, 400
 * (not JSON), 413 (over the shape limits, audited) or 400 with the paths that break the official
 * schema, 422 (over the worker's budget, audited). Nothing reaches the basket: the preview is stored
 * for POST .../imports/:importId/confirm.
 */
export async function previewHsdsImport(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  body: Buffer,
  jobs: ImportJobs,
  log?: FastifyBaseLogger,
): Promise<ImportPreview> {
  const partnership = await authorizeImport(db, context, partnershipId, 'basket.import.preview');
  const actor = context.actor!;
  if (body.length === 0) throw new AppError('invalidJson');

  const { services: read } = await jobs.read(
    readHsdsJob,
    { body },
    { db, context, partnershipId, format: 'hsds', log },
  );
  const lookupIds = read.map((r) => r.provider.lookupId).filter((id): id is string => id !== null);
  const institutions = await findImportInstitutions(db, partnershipId, partnership.leaderInstitutionId, lookupIds);
  const own = await findOwnServices(
    db,
    partnershipId,
    read.map((r) => r.sourceId ?? ''),
  );
  const resolve = hsdsServiceResolver({ partnershipTerritoryCode: partnership.territoryCode, institutions });

  const rows: StoredImportRow[] = [];
  for (const [index, service] of read.entries()) {
    const prefix = `services.${index}`;
    const mapped = resolve(service);
    const outcome: StoredImportRow = {
      row: index + 1,
      action: 'reject',
      serviceId: null,
      version: null,
      name: typeof mapped.card.name === 'string' && mapped.card.name ? mapped.card.name : null,
      card: null,
      errors: [],
      notes: mapped.notes.map((n) => ({ column: `${prefix}.${n.field}`, messages: noteMessages[n.code] })),
    };
    rows.push(outcome);
    const parsed = ImportedCard.safeParse(mapped.card);
    if (!parsed.success) {
      outcome.errors.push(...toRowErrors(zodIssuesToFieldErrors(parsed.error.issues), prefix));
      continue;
    }
    const card = parsed.data as ServiceCardData;
    outcome.errors.push(...toRowErrors(await validateServiceCard(db, card), prefix));
    if (outcome.errors.length > 0) continue;
    const existing = mapped.sourceId ? own.get(mapped.sourceId) : undefined;
    if (existing && existing.status !== 'withdrawn') {
      outcome.serviceId = existing.id;
      outcome.version = existing.version;
      outcome.action = changedCardFields(card, existing).length === 0 ? 'unchanged' : 'update';
    } else {
      outcome.action = 'create';
    }
    outcome.card = card;
  }

  return db.transaction((tx) =>
    storeImportPreview(tx, context, { partnershipId, userId: actor.userId, format: 'hsds', rows }),
  );
}
