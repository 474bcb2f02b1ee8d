/**
 * Security-critical: the registry of notification kinds and the only vocabulary their parameters
 * may use. Each domain declares its own kinds (`<domain>/notification-kinds.ts`) with
 * defineNotificationKind; nothing here knows any domain's kinds.
 *
 * The personal-data rule (docs/security.md §3, docs/powiadomienia.md): a notification never carries
 * a family's name or any case detail, in its text, its parameters or its e-mail. It links to the
 * record, whose opening is authorised and audited as usual. It holds by construction:
 * - parameters are built only from `notificationParam` (ids, counts, names of institutions,
 *   services and partnerships, which are public registry and basket data, and fixed choices); there
 *   is no free-text parameter, and a kind's schema is strict, so an extra key is refused;
 * - the e-mail is the kind's fixed text and the link, nothing from the parameters;
 * - the list answers only the parameters the kind declares, whatever the stored row holds.
 * notification-kinds.test.ts walks every registered kind and checks all three.
 */
import { z } from 'zod';

/** The kinds of value a notification parameter may be; there is deliberately no free text. */
export type NotificationParamType = 'recordId' | 'count' | 'publicName' | 'choice';

/** What a parameter's value is, whatever its type. */
export type NotificationParamValue = string | number | null;

/** Marks the schemas made by `notificationParam`, so a test can refuse any other schema. */
export const notificationParamTypes = z.registry<{ notificationParam: NotificationParamType }>();

/** The whole vocabulary of notification parameters. Each call makes a fresh, registered schema. */
export const notificationParam = {
  /** The id of a record the reader opens through the link (where access is checked and audited). */
  recordId: () => z.uuid().register(notificationParamTypes, { notificationParam: 'recordId' }),
  /** A count or a number of minutes, months and the like. */
  count: () => z.number().int().min(0).max(1_000_000).register(notificationParamTypes, { notificationParam: 'count' }),
  /** The name of an institution, a service or a partnership: public data, never a person's name. */
  publicName: () =>
    z.string().max(300).nullable().register(notificationParamTypes, { notificationParam: 'publicName' }),
  /** One of fixed values (e.g. the kind of a change request), worded by the web client. */
  choice: <const Values extends readonly [string, ...string[]]>(values: Values) =>
    z.enum(values).register(notificationParamTypes, { notificationParam: 'choice' }),
};

/** Fixed Polish e-mail wording of a kind; no parameter ever goes into it. */
export type NotificationEmailText = { subject: string; lead: string };

/** A kind as declared by its domain: parameters, where it links to, its fixed e-mail text. */
export type NotificationKindDefinition<Params extends z.ZodObject = z.ZodObject> = {
  /** `<domain>.<name>`, e.g. `basket.staleCard`; the prefix is the declaring domain's folder. */
  kind: string;
  /** A strict object of `notificationParam` fields. */
  params: Params;
  /** The in-app path the notification opens (a record or list, opened with the usual checks). */
  link: (params: z.output<Params>) => string;
  email: NotificationEmailText;
  /** i18n key of the in-app text (web/src/i18n), which may use the parameters. */
  messageKey: string;
};

const registry = new Map<string, NotificationKindDefinition>();

/**
 * Declares and registers a kind; the returned definition is what `createNotification` takes, so
 * the parameters are typed per kind. A kind is registered when its domain's module loads, which a
 * running app does for every module it serves. A second kind of the same name is a programming error.
 */
export function defineNotificationKind<const Shape extends z.ZodRawShape>(definition: {
  kind: `${string}.${string}`;
  params: Shape;
  link: (params: z.output<z.ZodObject<Shape, z.core.$strict>>) => string;
  email: NotificationEmailText;
}): NotificationKindDefinition<z.ZodObject<Shape, z.core.$strict>> {
  if (registry.has(definition.kind)) throw new Error(`Notification kind ${definition.kind} is declared twice`);
  const declared = {
    kind: definition.kind,
    params: z.strictObject(definition.params),
    link: definition.link,
    email: definition.email,
    messageKey: `notifications.kinds.${definition.kind}`,
  };
  registry.set(declared.kind, declared as unknown as NotificationKindDefinition);
  return declared;
}

/** Every registered kind, for the tests that check the personal-data rule over all of them. */
export function registeredNotificationKinds(): NotificationKindDefinition[] {
  return [...registry.values()];
}

/**
 * The parameters of a stored notification as the list answers them: only those its kind declares
 * (unknown keys dropped), and none at all for a kind no module declares or for values that no
 * longer fit. Old or hand-edited rows therefore cannot leak through the list.
 */
export function presentNotificationParams(kind: string, stored: unknown): Record<string, NotificationParamValue> {
  const definition = registry.get(kind);
  if (!definition) return {};
  const parsed = z.object(definition.params.shape).safeParse(stored);
  // The vocabulary yields only strings, numbers and null.
  return parsed.success ? (parsed.data as Record<string, NotificationParamValue>) : {};
}

/**
 * Subject and body of a notification's e-mail: the kind's fixed text and the link, nothing else.
 * The reader signs in to see the rest, with the usual checks and audit.
 */
export function composeNotificationEmail(
  definition: Pick<NotificationKindDefinition, 'email'> | undefined,
  link: string,
): { subject: string; text: string } {
  const subject = definition?.email.subject ?? 'Nowe powiadomienie w Kooperacji';
  const lead = definition?.email.lead ?? 'Masz nowe powiadomienie w Kooperacji.';
  const text = [
    'Dzień dobry,',
    '',
    lead,
    '',
    `Szczegóły (po zalogowaniu): ${link}`,
    '',
    'Wiadomość wysłana automatycznie przez Kooperację. Nie odpowiadaj na nią.',
  ].join('\n');
  return { subject, text };
}

/**
 * Whether this very definition is the registered one: a hand-built definition (which the tests
 * never walk) is refused by createNotification.
 */
export function isRegisteredNotificationKind(definition: NotificationKindDefinition): boolean {
  return registry.get(definition.kind) === definition;
}

/** The registered definition of a stored kind, if any module declares it. */
export function findNotificationKind(kind: string): NotificationKindDefinition | undefined {
  return registry.get(kind);
}
