/**
 * A real SMTP server for tests that catches what the app sends: the app's mailer talks SMTP to it
 * over loopback exactly as to a mail relay, and each message is read back with a real MIME parser.
 * Tests that spawn whole servers point their SMTP_URL at `url`.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type CaughtAttachment = { filename: string; contentType: string; content: Buffer };

export type CaughtMail = { from: string; to: string[]; subject: string; text: string; attachments: CaughtAttachment[] };

export type SmtpSink = {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  messages: CaughtMail[];
  close: () => Promise<void>;
};

function addresses(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((entry: { value?: Array<{ address?: string }> }) =>
    (entry.value ?? []).map((mailbox) => mailbox.address ?? ''),
  );
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: CaughtMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback, no login: the app sends without STARTTLS when the server offers none.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          messages.push({
            from: addresses(parsed.from)[0] ?? '',
            to: addresses(parsed.to),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            attachments: parsed.attachments.map((attachment) => ({
              filename: attachment.filename ?? '',
              contentType: attachment.contentType,
              content: attachment.content,
            })),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
