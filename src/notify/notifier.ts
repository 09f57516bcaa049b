import type { NotificationsRepo } from '../store/repos/notifications.js';
import type { Mailer } from './mailer.js';

export interface AdminNotice {
  kind: string;
  subject: string;
  /** The in-app text (one or two sentences). */
  message: string;
  /** The email text; the link to the app is appended when PUBLIC_URL is set. */
  body: string;
  /** Web UI path of the page that fixes the problem or shows the result (e.g. `/integrations/<kind>`). */
  link?: string | null;
}

/** One in-app notification per admin (members get none) plus one email to the admins. */
export function createNotifier(notifications: NotificationsRepo, mailer: Mailer, log: (msg: string, extra?: Record<string, unknown>) => void, opts: { publicUrl?: string | null } = {}) {
  async function notifyAdmins(workspaceId: string, n: AdminNotice): Promise<void> {
    const link = n.link ?? null;
    const to = await notifications.addForAdmins(workspaceId, { kind: n.kind, message: n.message, link });
    if (to.length === 0) return;
    const publicUrl = opts.publicUrl ?? null;
    const open = publicUrl === null ? '' : `\n\nOpen Crosswalk: ${publicUrl.replace(/\/+$/, '')}${link ?? ''}\n`;
    const body = `${n.body.replace(/\n+$/, '')}\n${open}`;
    let status: 'sent' | 'logged' | 'failed' = 'failed';
    let error: string | null = null;
    try {
      status = await mailer.send({ to, subject: n.subject, text: body });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      log('mail delivery failed', { error });
    }
    await notifications.logMail(workspaceId, { to_addr: to.join(', '), subject: n.subject, body, status, error });
  }
  return { notifyAdmins };
}

export type Notifier = ReturnType<typeof createNotifier>;
