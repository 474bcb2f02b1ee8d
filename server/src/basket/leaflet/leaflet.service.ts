/**
 * SECURITY-RELEVANT. The card for a client (PDF, or DOCX to edit before printing): printed by the
 * worker or sent to the client's e-mail address. It carries the card's contact person, so it is read under the card's own read
 * rule and its disclosure is audited in the same transaction, like a card read. The client's e-mail
 * address is used for the one message and dropped: it reaches no table, no log line and no audit
 * event (the event says that a card was sent, not to whom).
 */
import type { Database } from '../../platform/db/database.js';
import { requireActingActor, type RequestContext } from '../../platform/auth/actor.js';
import { AppError } from '../../platform/http/problem.js';
import { recordAuditEvent, recordStandaloneAuditEvent } from '../../audit/audit.service.js';
import { withRecordRule } from '../../audit/refusals.js';
import type { Mailer } from '../../notifications/mailer.js';
import { renderDocx, renderPdf, type RenderedPdf } from '../../documents/index.js';
import type { SendServiceLeafletInput, Service } from '../../../../shared/src/contracts/basket.js';
import type { AuditAction } from '../../../../shared/src/contracts/audit-actions.js';
import { readVisibleService } from '../cards/cards.service.js';
import { buildLeafletDocument, formatPolishDate } from './leaflet.document.js';

export type ServiceLeaflet = { bytes: Buffer; fileName: string; serviceName: string };

/** Ever shorter texts until the card fits one page (the last try is short enough for any card). */
const scales = [1, 0.7, 0.45, 0.25];

/** Renders the card for a client on one A4 page, and says at which scale of its texts it fits. */
export async function renderLeaflet(service: Service, issuedAt: Date): Promise<RenderedPdf & { scale: number }> {
  let rendered: (RenderedPdf & { scale: number }) | null = null;
  for (const scale of scales) {
    rendered = { ...(await renderPdf(buildLeafletDocument(service, issuedAt, scale))), scale };
    if (rendered.pageCount <= 1) return rendered;
  }
  return rendered!;
}

/**
 * The card as DOCX: the same model, its texts shortened as far as the PDF needed to fit one page
 * (Word lays out pages itself, so the PDF's layout is the measure).
 */
export async function renderLeafletDocx(service: Service, issuedAt: Date): Promise<Buffer> {
  const { scale } = await renderLeaflet(service, issuedAt);
  return (await renderDocx(buildLeafletDocument(service, issuedAt, scale))).bytes;
}

/** ASCII only and fixed: nothing typed by a user reaches the header. */
function leafletFileName(issuedAt: Date, extension: 'pdf' | 'docx' = 'pdf'): string {
  return `karta-uslugi-${formatPolishDate(issuedAt).split('.').reverse().join('-')}.${extension}`;
}

async function readForLeaflet(
  db: Database,
  context: RequestContext,
  id: string,
  action: AuditAction,
  staleMonths: number,
  details: Record<string, unknown>,
): Promise<Service> {
  const actor = requireActingActor(context);
  return withRecordRule(db, context, async (tx) => {
    const service = await readVisibleService(tx, actor, id, action, staleMonths);
    await recordAuditEvent(tx, context, { action, subjectType: 'service', subjectId: id, details });
    return service;
  });
}

/** GET /services/:id/leaflet.pdf: the card for a client to print. */
export async function getServiceLeaflet(
  db: Database,
  context: RequestContext,
  id: string,
  staleMonths: number,
  now = new Date(),
): Promise<ServiceLeaflet> {
  const service = await readForLeaflet(db, context, id, 'service.leaflet', staleMonths, { format: 'pdf' });
  const { bytes } = await renderLeaflet(service, now);
  return { bytes, fileName: leafletFileName(now), serviceName: service.name };
}

/** GET /services/:id/leaflet.docx: the same card to edit in Word or LibreOffice; audited the same way. */
export async function getServiceLeafletDocx(
  db: Database,
  context: RequestContext,
  id: string,
  staleMonths: number,
  now = new Date(),
): Promise<ServiceLeaflet> {
  const service = await readForLeaflet(db, context, id, 'service.leaflet', staleMonths, { format: 'docx' });
  return {
    bytes: await renderLeafletDocx(service, now),
    fileName: leafletFileName(now, 'docx'),
    serviceName: service.name,
  };
}

/**
 * POST /services/:id/leaflet/email: sends the card for a client as a PDF attachment to the address
 * given. The audit event commits before the message leaves (fail closed); a failed delivery adds a
 * `failure` event and answers `mailNotSent`. Neither event nor any log line holds the address.
 */
export async function sendServiceLeaflet(
  db: Database,
  context: RequestContext,
  id: string,
  input: SendServiceLeafletInput,
  staleMonths: number,
  mailer: Mailer | null,
  now = new Date(),
): Promise<{ ok: true }> {
  if (!mailer) throw new AppError('mailNotConfigured');
  const service = await readForLeaflet(db, context, id, 'service.leafletSend', staleMonths, { channel: 'email' });
  const { bytes } = await renderLeaflet(service, now);
  try {
    await mailer.send({
      to: input.email,
      subject: `Informacja o usłudze: ${service.name}`,
      text: [
        'Dzień dobry,',
        '',
        `w załączniku jest karta usługi „${service.name}”: co oferuje, gdzie i kiedy działa, ile kosztuje i do kogo zadzwonić.`,
        '',
        'Wiadomość wysłał pracownik ośrodka, z którym Pani/Pan rozmawia. Prosimy na nią nie odpowiadać.',
      ].join('\n'),
      attachments: [{ filename: leafletFileName(now), content: bytes, contentType: 'application/pdf' }],
    });
  } catch {
    // The transport's error may quote the recipient: it is neither logged nor kept.
    await recordStandaloneAuditEvent(db, context, {
      action: 'service.leafletSend',
      subjectType: 'service',
      subjectId: id,
      outcome: 'failure',
      details: { channel: 'email' },
    });
    throw new AppError('mailNotSent');
  }
  return { ok: true };
}
