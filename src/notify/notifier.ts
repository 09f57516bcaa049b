import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { nowIso } from '../store/db.js';
import type { Mailer } from './mailer.js';

/** In-app notifications plus an email to every admin of the workspace. */
export function createNotifier(db: Kysely<Database>, mailer: Mailer, log: (msg: string, extra?: Record<string, unknown>) => void) {
  async function notifyAdmins(workspaceId: string, n: { kind: string; subject: string; message: string; body: string }): Promise<void> {
    const now = nowIso();
    await db.insertInto('notifications').values({ id: crypto.randomUUID(), workspace_id: workspaceId, user_id: null, kind: n.kind, message: n.message, created_at: now, read: 0 }).execute();
    const admins = await db.selectFrom('users').select('email').where('workspace_id', '=', workspaceId).where('role', '=', 'admin').execute();
    const to = admins.map((a) => a.email);
    if (to.length === 0) return;
    let status: 'sent' | 'logged' | 'failed' = 'failed';
    let error: string | null = null;
    try {
      status = await mailer.send({ to, subject: n.subject, text: n.body });
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      log('mail delivery failed', { error });
    }
    await db.insertInto('mail_log').values({ id: crypto.randomUUID(), workspace_id: workspaceId, to_addr: to.join(', '), subject: n.subject, body: n.body, status, error, created_at: now }).execute();
  }
  return { notifyAdmins };
}

export type Notifier = ReturnType<typeof createNotifier>;
