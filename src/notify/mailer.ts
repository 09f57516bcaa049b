import nodemailer from 'nodemailer';

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  /** 'sent' through SMTP, or 'logged' when no SMTP_URL is configured. Throws when SMTP fails. */
  send(mail: Mail): Promise<'sent' | 'logged'>;
  close(): void;
}

export function createMailer(opts: { smtpUrl: string | null; from: string; log: (msg: string, extra?: Record<string, unknown>) => void }): Mailer {
  if (opts.smtpUrl === null) {
    return {
      async send(mail) {
        opts.log('mail (SMTP_URL not set; logged instead of sent)', { to: mail.to, subject: mail.subject });
        return 'logged';
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(opts.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text });
      return 'sent';
    },
    close() {
      transport.close();
    },
  };
}
