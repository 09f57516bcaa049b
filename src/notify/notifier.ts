import type { NotificationsRepo } from '../store/repos/notifications.js';
import type { Mailer } from './mailer.js';

/** In-app notifications plus an email to every admin of the workspace. */
export function createNotifier(notifications: NotificationsRepo, mailer: Mailer, log: (msg: string, extra?: Record<string, unknown>) => void) {
  async function notifyAdmins(workspaceId: string, n: { kind: string; subject: string; message: string; body: string }): Promise<void> {
    await notifications.add(workspaceId, { userId: null, kind: n.kind, message: n.message });
    const to = await notifications.adminEmails(workspaceId);
    if (to.length === 0) return;
    let status: 'sent' | 'logged' | 'failed' = 'failed';
    let error: string | null = null;
    try {
      status = await mailer.send({ to, subject: n.subject, text: n.body });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      log('mail delivery failed', { error });
    }
    await notifications.logMail(workspaceId, { to_addr: to.join(', '), subject: n.subject, body: n.body, status, error });
  }
  return { notifyAdmins };
}

export type Notifier = ReturnType<typeof createNotifier>;
