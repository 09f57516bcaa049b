/**
 * Errors raised by the HTTP layer and the connectors.
 * `userMessage` is a sentence for people; `detail` is internal (logs only) and never holds secrets.
 */
import type { CheckErrorCode } from '../contract.js';

export type ErrorKind = 'config' | 'transient' | 'rate_limited' | 'system';
export type ConnectorErrorCode = CheckErrorCode | 'http_error' | 'aborted';

export class ConnectorError extends Error {
  kind: ErrorKind;
  code: ConnectorErrorCode;
  /** A sentence for people. */
  userMessage: string;
  status?: number;
  /** Internal detail for logs (response excerpt, network error code). Free of secrets. */
  detail?: string;
  hint?: string;
  /** Policy reason (`timeout`, `connection_refused`, `server_error`, …). */
  reason?: string;

  constructor(init: ConnectorErrorInit) {
    super(init.userMessage, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ConnectorError';
    this.kind = init.kind;
    this.code = init.code;
    this.userMessage = init.userMessage;
    if (init.status !== undefined) this.status = init.status;
    if (init.detail !== undefined) this.detail = init.detail;
    if (init.hint !== undefined) this.hint = init.hint;
    if (init.reason !== undefined) this.reason = init.reason;
  }

  /** Whether running the same operation later may succeed (the scheduler may retry). */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      code: this.code,
      userMessage: this.userMessage,
      status: this.status,
      detail: this.detail,
      hint: this.hint,
      reason: this.reason,
    };
  }
}

/** What the constructor takes: the error's own fields (the optional ones may be left out) and a cause. */
export type ConnectorErrorInit = Pick<ConnectorError, 'kind' | 'code' | 'userMessage'> &
  Partial<Pick<ConnectorError, 'status' | 'detail' | 'hint' | 'reason'>> & { cause?: unknown };

/** A ConnectorError that can name the vendor permissions (scopes, token checkboxes) a credential lacks. */
export class PermissionsConnectorError extends ConnectorError {
  /** The vendor's names of the permissions the credential lacks, for `missing_permissions`. */
  missingPermissions?: string[];

  constructor(init: ConnectorErrorInit & { missingPermissions?: string[] }) {
    super(init);
    if (init.missingPermissions !== undefined) this.missingPermissions = init.missingPermissions;
  }
}

/** A vendor reply as the connectors read it to explain a failure. */
export interface ErrorResponse {
  status: number;
  body: unknown;
  text: string;
  headers?: Headers;
}

/** A reply for `detail` (logs only; never a secret: it is the vendor's reply): the status and the body's start. */
export function responseExcerpt(res: Pick<ErrorResponse, 'status' | 'text'>): string {
  const t = res.text.replace(/\s+/g, ' ').trim();
  return `HTTP ${res.status}${t === '' ? '' : `: ${t.slice(0, 300)}`}`;
}

/**
 * Classes of a failed API reply beyond authentication (which each vendor tells apart itself): not found, rate
 * limited, a server error (transient: a later run may succeed), and any other refusal.
 */
export type ReplyClass = 'not_found' | 'rate_limited' | 'server_error' | 'refused';

const REPLY_CLASSES: Record<ReplyClass, Pick<ConnectorErrorInit, 'kind' | 'code'>> = {
  not_found: { kind: 'config', code: 'not_found' },
  rate_limited: { kind: 'rate_limited', code: 'rate_limited' },
  server_error: { kind: 'transient', code: 'http_error' },
  refused: { kind: 'config', code: 'http_error' },
};

export function replyClass(status: number): ReplyClass {
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  return status >= 500 ? 'server_error' : 'refused';
}

/** What a vendor says about one class of failed reply, and its own code where it differs from the class's. */
export interface ReplyWords {
  userMessage: string;
  hint?: string;
  code?: ConnectorErrorCode;
}

/** The error (init) for a failed reply of class `cls`, in the vendor's words. */
export function classErrorInit(cls: ReplyClass, status: number, words: ReplyWords, detail: string): ConnectorErrorInit {
  return {
    ...REPLY_CLASSES[cls],
    ...(words.code === undefined ? {} : { code: words.code }),
    status,
    userMessage: words.userMessage,
    ...(words.hint === undefined ? {} : { hint: words.hint }),
    detail,
  };
}

/** The error (init) for a failed reply, classed by its status (or as told), in the vendor's words for each class. */
export function replyErrorInit(status: number, detail: string, words: Record<ReplyClass, ReplyWords>, cls: ReplyClass = replyClass(status)): ConnectorErrorInit {
  return classErrorInit(cls, status, words[cls], detail);
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return err instanceof ConnectorError;
}

export function abortedError(cause?: unknown): ConnectorError {
  return new ConnectorError({ kind: 'system', code: 'aborted', userMessage: 'The operation was cancelled.', cause });
}

export function isAbortError(err: unknown): boolean {
  if (err instanceof ConnectorError) return err.code === 'aborted';
  return err instanceof Error && err.name === 'AbortError';
}

/** Wraps anything thrown into a ConnectorError (kind `system` for unknown errors). */
export function toConnectorError(err: unknown): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (isAbortError(err)) return abortedError(err);
  const message = err instanceof Error ? err.message : String(err);
  return new ConnectorError({
    kind: 'system',
    code: 'unexpected_response',
    userMessage: 'An unexpected error occurred while talking to the service.',
    detail: message,
    cause: err,
  });
}

/** Replaces every occurrence of the given secret values in a text (for details and logs). */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}
