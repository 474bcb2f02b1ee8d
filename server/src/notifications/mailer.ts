/**
 * E-mail for notifications. E-mail is the one thing that leaves the machine, so it is optional:
 * without SMTP_URL nothing is ever attempted and notifications stay in the app. A message carries
 * only its kind's fixed text and a link into the app, where the reader signs in to see the rest
 * (composeNotificationEmail in notification-kinds.ts).
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

/** A file sent with a message (the card for a client as PDF); built by the sender, never read from disk. */
export type MailAttachment = { filename: string; content: Buffer; contentType: string };

export type MailMessage = { to: string; subject: string; text: string; attachments?: MailAttachment[] };

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
