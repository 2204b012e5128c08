/** Stable error codes: logs and tests match on these, never on message text. */
export enum ErrorCode {
  ConfigInvalid = 'CONFIG_INVALID',
  ContactsInvalid = 'CONTACTS_INVALID',
  RunbookInvalid = 'RUNBOOK_INVALID',
  StoreUnavailable = 'STORE_UNAVAILABLE',
  StoreCorrupt = 'STORE_CORRUPT',
  StoreBusy = 'STORE_BUSY',
  UniqueViolation = 'UNIQUE_VIOLATION',
  /** No agent serves the host: nothing was sent, nothing ran. */
  AgentOffline = 'AGENT_OFFLINE',
  /** A chat platform cannot take a message now or cannot reach the person (it may wait in the outbox). */
  PlatformUnavailable = 'PLATFORM_UNAVAILABLE',
  Unexpected = 'UNEXPECTED',
}

/** Base class of every error drbot throws on purpose; `hint` tells the operator how to fix it. */
export class DrbotError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration file failed validation; the message names the bad field. */
export class ConfigError extends DrbotError {
  constructor(message: string, hint?: string) {
    super(ErrorCode.ConfigInvalid, message, hint);
  }
}

/** The contacts file failed validation. */
export class ContactsError extends DrbotError {
  constructor(message: string, hint?: string) {
    super(ErrorCode.ContactsInvalid, message, hint);
  }
}

/** The store cannot be reached or refuses a query. */
export class StoreUnavailableError extends DrbotError {
  constructor(message: string, cause?: unknown, hint = 'check DATA_DIR permissions or DATABASE_URL') {
    super(ErrorCode.StoreUnavailable, message, hint, { cause });
  }
}

/** The database file failed its integrity check. */
export class StoreCorruptError extends DrbotError {
  constructor(message: string, hint: string) {
    super(ErrorCode.StoreCorrupt, message, hint);
  }
}

/** SQLite's write lock was held by another connection past the busy timeout; the caller may retry. */
export class StoreBusyError extends DrbotError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.StoreBusy, message, 'another drbot process holds the database write lock; retry', { cause });
  }
}

/** A write clashed with a unique key another writer took first (both engines); the caller may pick another key. */
export class UniqueViolationError extends DrbotError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.UniqueViolation, message, undefined, { cause });
  }
}

/** Wraps anything unexpected so it ends in one place with a stable code. */
export function toDrbotError(err: unknown): DrbotError {
  if (err instanceof DrbotError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new DrbotError(ErrorCode.Unexpected, message, undefined, { cause: err });
}
