/**
 * E-mail for notifications. E-mail is the one thing that leaves the machine, so it is optional:
 * without SMTP_URL nothing is ever attempted and notifications stay in the app. Messages carry the
 * kind of event, the names of services and partnerships (public basket data, never a family's), for
 * a sign-in lockout the staff account concerned, and a link into the app, where the reader signs in
 * to see the rest.
 */
import nodemailer, { type Transporter } from 'nodemailer';

/**
 * The settings the mailer reads. Optional so that any configuration object fits: a configuration
 * without SMTP_URL means "no e-mail".
 */
export type MailConfig = {
  SMTP_URL?: string | undefined;
  MAIL_FROM?: string | undefined;
  /** Origin of the app, for links in e-mails; without it links are relative to localhost. */
  PUBLIC_ORIGIN?: string | undefined;
};

export type MailMessage = { to: string; subject: string; text: string };

export type Mailer = {
  send: (message: MailMessage) => Promise<void>;
  /** Absolute link into the app for a path such as `/koszyk-uslug/<id>`. */
  linkTo: (path: string) => string;
};

const DEFAULT_FROM = 'Kooperacja <no-reply@kooperacja.invalid>';
const DEFAULT_ORIGIN = 'http://localhost:3000';

/**
 * A mailer over the given transport, or over SMTP_URL; null when e-mail is not configured. Tests pass
 * a nodemailer JSON transport, which builds the real message without sending it anywhere.
 */
export function createMailer(config: MailConfig, transport?: Transporter): Mailer | null {
  if (!config.SMTP_URL && !transport) return null;
  const transporter = transport ?? nodemailer.createTransport(config.SMTP_URL);
  const origin = (config.PUBLIC_ORIGIN ?? DEFAULT_ORIGIN).replace(/\/+$/, '');
  return {
    send: async (message) => {
      await transporter.sendMail({ from: config.MAIL_FROM ?? DEFAULT_FROM, ...message });
    },
    linkTo: (path) => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
  };
}

const cachedMailers = new Map<string, Mailer>();

/** The process-wide SMTP mailer for this configuration (one connection setup per SMTP_URL). */
export function mailerFor(config: MailConfig): Mailer | null {
  if (!config.SMTP_URL) return null;
  const key = `${config.SMTP_URL}\n${config.MAIL_FROM ?? ''}\n${config.PUBLIC_ORIGIN ?? ''}`;
  let mailer = cachedMailers.get(key);
  if (!mailer) {
    mailer = createMailer(config)!;
    cachedMailers.set(key, mailer);
  }
  return mailer;
}

const requestKindLabels: Record<string, string> = {
  newService: 'dodanie nowej usługi',
  change: 'zmianę usługi',
  withdrawal: 'wycofanie usługi',
};

function count(value: unknown, fallback: string): string {
  return typeof value === 'number' && Number.isInteger(value) ? String(value) : fallback;
}

function quoted(value: unknown): string {
  return typeof value === 'string' && value ? `„${value}”` : '';
}

/**
 * Polish subject and body for a notification kind. Only the parameters named here are used, so a
 * parameter added later cannot slip into an e-mail unnoticed.
 */
export function composeNotificationEmail(
  kind: string,
  params: Record<string, unknown>,
  link: string,
): { subject: string; text: string } {
  const service = quoted(params.serviceName);
  const partnership = quoted(params.partnershipName);
  const requestKind = requestKindLabels[String(params.requestKind)] ?? 'zmianę w koszyku usług';
  let subject: string;
  let lead: string;
  switch (kind) {
    case 'basketRequest.created':
      subject = 'Nowy wniosek o zmianę w koszyku usług';
      lead = `W partnerstwie ${partnership} złożono wniosek o ${requestKind}${service ? ` ${service}` : ''}. Wniosek czeka na przegląd koordynatora sieci.`;
      break;
    case 'basketRequest.reviewed':
      subject = 'Wniosek o zmianę w koszyku usług czeka na decyzję';
      lead = `Koordynator sieci przejrzał wniosek o ${requestKind}${service ? ` ${service}` : ''} w partnerstwie ${partnership}. Wniosek czeka na decyzję lidera.`;
      break;
    case 'basketRequest.applied':
      subject = 'Twój wniosek o zmianę w koszyku usług został uwzględniony';
      lead = `Lider partnerstwa ${partnership} uwzględnił Twój wniosek o ${requestKind}${service ? ` ${service}` : ''}. Koszyk usług został zaktualizowany.`;
      break;
    case 'basketRequest.refused':
      subject = 'Twój wniosek o zmianę w koszyku usług nie został uwzględniony';
      lead = `Lider partnerstwa ${partnership} nie uwzględnił Twojego wniosku o ${requestKind}${service ? ` ${service}` : ''}. Uzasadnienie znajdziesz w aplikacji.`;
      break;
    case 'service.staleReminder':
      subject = 'Potwierdź aktualność karty usługi';
      lead = `Karta usługi ${service} w koszyku usług partnerstwa ${partnership} nie była potwierdzana od ${String(params.staleMonths ?? 12)} miesięcy. Sprawdź, czy dane są aktualne, i potwierdź je albo popraw.`;
      break;
    case 'account.lockedOut':
      subject = 'Nieudane próby logowania na Twoje konto';
      lead = `Po ${count(params.failures, 'kilku')} nieudanych próbach logowania na Twoje konto logowanie na nie z nowych urządzeń jest wstrzymane na ${count(params.lockoutMinutes, 'kilkanaście')} min. W przeglądarce, w której logujesz się zwykle, zalogujesz się jak dotąd. Jeśli to nie były Twoje próby, zgłoś to administratorowi.`;
      break;
    case 'account.lockedOutForAdmin':
      subject = 'Wstrzymane logowanie na konto użytkownika';
      lead = `Po ${count(params.failures, 'kilku')} nieudanych próbach logowania na konto ${quoted(params.accountName)} (${typeof params.accountEmail === 'string' ? params.accountEmail : ''}) logowanie na nie z nowych urządzeń jest wstrzymane na ${count(params.lockoutMinutes, 'kilkanaście')} min. Może to być próba odgadnięcia hasła.`;
      break;
    default:
      subject = 'Nowe powiadomienie w Kooperacji';
      lead = 'Masz nowe powiadomienie w Kooperacji.';
  }
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
