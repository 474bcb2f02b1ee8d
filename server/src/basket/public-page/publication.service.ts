/**
 * SECURITY-RELEVANT. Whether a partnership's basket has a public page (/koszyk/<slug>) and under
 * which address. Reading the setting needs canReadBasket (404 otherwise); changing it needs
 * canPublishBasketPage (403, audited) and is audited in the same transaction as the change.
 */
import type { z } from 'zod';
import type { Database } from '../../platform/db/database.js';
import { requireActingActor, type RequestContext } from '../../platform/auth/actor.js';
import { RecordRefusal } from '../../platform/auth/record-rule.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { AppError, type FieldError } from '../../platform/http/problem.js';
import { recordAuditEvent } from '../../audit/audit.service.js';
import { withRecordRule } from '../../audit/refusals.js';
import { findVisibleBasketPartnership } from '../basket.access.js';
import type {
  BasketPublication as PublicationSchema,
  BasketPublicationInput,
} from '../../../../shared/src/contracts/basket.js';
import {
  findPartnershipName,
  findPublication,
  findSlugOwner,
  savePublication,
  suggestSlug,
} from './publication.store.js';
import { canPublishBasketPage } from '../basket.policy.js';

type PublicationData = z.output<typeof BasketPublicationInput>;
type BasketPublication = z.infer<typeof PublicationSchema>;

const slugTaken: FieldError = {
  field: 'slug',
  code: 'slugTaken',
  messages: {
    pl: 'Ten adres strony jest już zajęty lub zarezerwowany dla innego partnerstwa. Wybierz inny.',
    en: 'This page address is already used or reserved by another partnership. Choose another.',
  },
};

/** The public address of a page; relative when the deployment does not know its origin. */
export function publicBasketUrl(publicOrigin: string | undefined, slug: string): string {
  return `${publicOrigin ? publicOrigin.replace(/\/$/, '') : ''}/koszyk/${slug}`;
}

/**
 * The page setting: every partnership has one from its creation (the reserved address, not public);
 * the default from the name is only a fallback for a row that is somehow missing.
 */
export async function getBasketPublication(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  publicOrigin: string | undefined,
): Promise<BasketPublication> {
  const actor = requireActingActor(context);
  await withRecordRule(db, context, (tx) =>
    findVisibleBasketPartnership(tx, actor, partnershipId, 'basket.publication.read'),
  );
  const row = await findPublication(db, partnershipId);
  if (row) {
    return {
      partnershipId,
      isPublic: row.isPublic,
      slug: row.slug,
      introduction: row.introduction,
      publicUrl: publicBasketUrl(publicOrigin, row.slug),
    };
  }
  const slug = suggestSlug((await findPartnershipName(db, partnershipId)) ?? '');
  return { partnershipId, isPublic: false, slug, introduction: null, publicUrl: publicBasketUrl(publicOrigin, slug) };
}

/**
 * Saves the page setting. A slug another partnership uses or has reserved is a 409 on the field
 * `slug`; moving to another slug frees the old one.
 */
export async function putBasketPublication(
  db: Database,
  context: RequestContext,
  partnershipId: string,
  input: PublicationData,
  publicOrigin: string | undefined,
): Promise<BasketPublication> {
  const actor = requireActingActor(context);
  const action = 'basket.publication.update';
  try {
    return await withRecordRule(db, context, async (tx) => {
      const partnership = await findVisibleBasketPartnership(tx, actor, partnershipId, action, { forUpdate: true });
      if (!canPublishBasketPage(actor, partnership)) {
        throw RecordRefusal.notAllowed({ action, subjectType: 'partnership', subjectId: partnershipId });
      }
      const owner = await findSlugOwner(tx, input.slug);
      if (owner && owner !== partnershipId) throw new AppError('duplicate', [slugTaken]);
      const values = {
        slug: input.slug,
        isPublic: input.isPublic,
        introduction: input.introduction ?? null,
        updatedAt: new Date(),
      };
      await savePublication(tx, partnershipId, values);
      await recordAuditEvent(tx, context, {
        action: 'basket.publication.update',
        subjectType: 'partnership',
        subjectId: partnershipId,
        details: { isPublic: input.isPublic, slug: input.slug },
      });
      return {
        partnershipId,
        isPublic: values.isPublic,
        slug: values.slug,
        introduction: values.introduction,
        publicUrl: publicBasketUrl(publicOrigin, values.slug),
      };
    });
  } catch (error) {
    // Two partnerships claiming one slug at the same moment: the loser gets the same 409.
    if (isUniqueViolation(error)) throw new AppError('duplicate', [slugTaken]);
    throw error;
  }
}
