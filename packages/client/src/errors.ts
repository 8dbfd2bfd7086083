/**
 * Errors of the client. Every command either resolves with the device's answer or rejects
 * with one of these (or a codec `DeviceError`, or the abort signal's reason). Messages say
 * what to do; none contains key material.
 */
import type { ProtocolVersion } from '@tuya/codec'
import { TuyaError } from '@tuya/crypto'

/** Options of the client errors. */
export interface ClientErrorOptions extends ErrorOptions {
  /** The device id the error is about. */
  deviceId?: string | undefined
}

/** Base of the client's own errors; `deviceId` names the device when known. */
export class ClientError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_CLIENT'
  static override readonly scope: string = '@tuya/client'
  /** The device the error is about. */
  readonly deviceId: string | undefined

  /**
   * @param message - what happened and what to do
   * @param options - cause, deviceId
   */
  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message, options)
    this.deviceId = options.deviceId
  }
}

/**
 * The device accepted the command (it was written on a live connection) but did not
 * answer before the deadline. It may still have applied it.
 */
export class TimeoutError extends ClientError {
  static override readonly code: string = 'TUYA_ERR_TIMEOUT'
}

/**
 * How a connection failed, as {@link ConnectionError.failure} says, so callers need not parse messages:
 * - `'refused'`: the address refused the TCP connection (`ECONNREFUSED`): nothing listens on that port;
 * - `'unresolvable'`: the host name did not resolve (`ENOTFOUND`, `EAI_AGAIN`, ...);
 * - `'permission-denied'`: the runtime or the system denied network access (Deno without `--allow-net`,
 *   `EACCES`, `EPERM`): fix the permissions; the client does not retry sooner than `reconnect.maxDelayMs`;
 * - `'open-failed'`: the TCP connection could not be opened for another reason (unreachable, ...);
 *   `cause` is the socket error, with its `code` (`EHOSTUNREACH`, ...);
 * - `'open-timeout'`: the TCP connection did not open within `connectTimeoutMs`;
 * - `'not-located'`: without a `host`, the device was not heard on the network (no beacon) in time to connect:
 *   pass its address as `host`, or check that it is powered and on this subnet;
 * - `'closed-while-probing'`: with `version: 'auto'`, the device closed (or reset) the connection while its
 *   version was being probed: 3.4/3.5 firmware closes after frames it cannot authenticate, so the local key is
 *   probably wrong, unless another client holds the device's only connection;
 * - `'closed-while-connecting'`: the device closed (or reset) the connection it had accepted before it was ready
 *   (during the handshake): another client may hold its only connection (PROTOCOL.md §13);
 * - `'handshake-failed'`: the 3.4/3.5 handshake failed in a way that points to neither the key nor the version;
 * - `'handshake-timeout'`: the connection opened, but the handshake got no answer within `connectTimeoutMs`
 *   (the key was proven earlier, so this is not a {@link WrongKeyError});
 * - `'closed-while-online'`: the device closed an online connection (restart, idle timeout, another client took over);
 * - `'socket-error'`: an online connection failed with a socket error; `cause` is it (`ECONNRESET`, ...);
 * - `'heartbeat-missed'`: no heartbeat reply within `heartbeatTimeoutMs`: the connection was dead;
 * - `'out-of-sync'`: corrupt frames in a row: the stream lost its framing.
 *
 * Every failure is retried with backoff (unless `reconnect` is `false`).
 */
export type ConnectionFailure =
  | 'refused'
  | 'unresolvable'
  | 'permission-denied'
  | 'open-failed'
  | 'open-timeout'
  | 'not-located'
  | 'closed-while-probing'
  | 'closed-while-connecting'
  | 'handshake-failed'
  | 'handshake-timeout'
  | 'closed-while-online'
  | 'socket-error'
  | 'heartbeat-missed'
  | 'out-of-sync'

const CONNECTION_FAILURES: ReadonlySet<string> = new Set<ConnectionFailure>([
  'refused', 'unresolvable', 'permission-denied', 'open-failed', 'open-timeout', 'not-located', 'closed-while-probing', 'closed-while-connecting', 'handshake-failed',
  'handshake-timeout', 'closed-while-online', 'socket-error', 'heartbeat-missed', 'out-of-sync',
])

/** Options of {@link ConnectionError} and its subclasses. */
export interface ConnectionErrorOptions extends ClientErrorOptions {
  /** How the connection failed; when not given, that of `cause` if it is a ConnectionError. */
  failure?: ConnectionFailure | undefined
}

/** A connection could not be made or kept (refused, reset, unreachable, closed by the device, connect timeout); `failure` says which. */
export class ConnectionError extends ClientError {
  static override readonly code: string = 'TUYA_ERR_CONNECTION'
  /**
   * How the connection failed (see {@link ConnectionFailure}). Every ConnectionError the client
   * builds for a failed connection sets it. When not given, it is taken from `cause` if that is a
   * ConnectionError: an {@link OfflineError} or {@link ConnectionLostError} thus tells how the
   * connection it waited for (or lost) failed, while its own `reason` says what happened to the
   * command. `undefined` when there was no connection failure (`disconnect()`), for the
   * {@link WrongKeyError} and {@link WrongVersionError} the client builds (their class and
   * `reason` say what happened), and for errors built without it (`new ConnectionError(message)`).
   */
  readonly failure: ConnectionFailure | undefined

  /**
   * @param message - what happened and what to do
   * @param options - failure, cause, deviceId
   * @throws TypeError when `options.failure` is given and is not a {@link ConnectionFailure}
   */
  constructor(message: string, options: ConnectionErrorOptions = {}) {
    super(message, options)
    const failure = options?.failure
    if (failure !== undefined) this.failure = checkOption(failure, CONNECTION_FAILURES, 'options.failure')
    else this.failure = options?.cause instanceof ConnectionError ? options.cause.failure : undefined
  }
}

/**
 * Why a command (or `connect()`) ended with {@link OfflineError} before anything was sent:
 * - `'deadline'`: the device could not be reached before the command's deadline;
 * - `'fail-fast'`: `failFast` and the device is known to be offline (an attempt failed, none succeeded since): refused at once;
 * - `'connection-failed'`: the connection attempt the command waited for failed (or the connection dropped before it was
 *   written), and the command is `failFast`, so it does not wait for another (whatever `reconnect` says);
 * - `'no-reconnect'`: the same, for a command that is not `failFast` on a handle with `reconnect: false`: no other
 *   attempt follows (the next command starts one);
 * - `'disconnected'`: `disconnect()` was called;
 * - `'connect-timeout'`: `connect()` got no connection within its `timeoutMs`;
 * - `'refused'`, `'unresolvable'`, `'permission-denied'`: what `'connection-failed'` and `'no-reconnect'` say, when
 *   the attempt failed that way (the {@link ConnectionFailure} of the same name): the connection was refused, the
 *   host name did not resolve, or the runtime denied network access. `'permission-denied'` rejects every waiting
 *   command and `connect()` at once, failFast or not: no retry can fix it.
 *
 * How the connection failed is the error's `failure` (see {@link ConnectionFailure}), taken from its `cause`.
 */
export type OfflineReason = 'deadline' | 'fail-fast' | 'connection-failed' | 'no-reconnect' | 'disconnected' | 'connect-timeout' | CertainFailure

/** The connection failures that an {@link OfflineReason} names itself (see there). */
export type CertainFailure = 'refused' | 'unresolvable' | 'permission-denied'

const CERTAIN_FAILURES: ReadonlySet<string> = new Set<CertainFailure>(['refused', 'unresolvable', 'permission-denied'])

const OFFLINE_REASONS: ReadonlySet<string> = new Set<string>(['deadline', 'fail-fast', 'connection-failed', 'no-reconnect', 'disconnected', 'connect-timeout', ...CERTAIN_FAILURES])

/**
 * The certain failure behind an error, if it is one: a connection that was refused, a host name
 * that did not resolve, or no permission to use the network.
 * @param error - a connection error (or anything)
 * @returns `'refused'`, `'unresolvable'`, `'permission-denied'`, or undefined
 */
export function certainFailureOf(error: unknown): CertainFailure | undefined {
  const failure = error instanceof ConnectionError ? error.failure : undefined
  return failure !== undefined && CERTAIN_FAILURES.has(failure) ? (failure as CertainFailure) : undefined
}

/** Options of {@link OfflineError}. */
export interface OfflineErrorOptions extends ConnectionErrorOptions {
  /** Why nothing was sent. */
  reason: OfflineReason
}

/**
 * The command was never written: the device could not be reached before its deadline (or
 * at once, with `failFast`, or after one attempt, with `reconnect: false`), or `disconnect()`
 * was called; `reason` says which. `cause` is the last connection error, and `failure` how it
 * failed. Safe to retry: the device never saw it.
 */
export class OfflineError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_OFFLINE'
  /** Why nothing was sent (see {@link OfflineReason}). */
  readonly reason: OfflineReason

  /**
   * @param message - what happened and what to do
   * @param options - reason (required), cause, deviceId
   * @throws TypeError when `options.reason` is not an {@link OfflineReason}
   */
  constructor(message: string, options: OfflineErrorOptions) {
    super(message, options)
    this.reason = checkOption(options?.reason, OFFLINE_REASONS, 'options.reason')
  }
}

/**
 * The connection dropped after the command was written and before the answer came: the
 * device may or may not have applied it. Re-read the state (or pass `retries`) before repeating a set.
 */
export class ConnectionLostError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_CONNECTION_LOST'
}

/**
 * How a {@link WrongKeyError} was found:
 * - `'handshake-proof'`: the device's 3.4/3.5 handshake proof did not verify under this key (proven);
 * - `'undecryptable'`: a 3.1-3.3 reply right after connecting does not decrypt (padding) or parse under this key (proven);
 * - `'silent'`: the device accepted the connection, then answered neither the handshake nor the first command.
 *   Devices drop frames they cannot authenticate (PROTOCOL.md §18.29), but a busy device or a
 *   wrong version is silent too: inferred, not proven.
 */
export type WrongKeyReason = 'handshake-proof' | 'undecryptable' | 'silent'

const WRONG_KEY_REASONS: ReadonlySet<string> = new Set<WrongKeyReason>(['handshake-proof', 'undecryptable', 'silent'])

/** Options of {@link WrongKeyError}. */
export interface WrongKeyErrorOptions extends ConnectionErrorOptions {
  /** How the wrong key was found. */
  reason: WrongKeyReason
}

/**
 * The local key does not match the device: a 3.4/3.5 handshake proof failed, replies do not
 * decrypt (HMAC, GCM or padding failures right after connecting), or the device stayed silent
 * right after connecting (PROTOCOL.md §18.29: firmware drops what it cannot authenticate);
 * `reason` says which, `isProven` whether the key was proven wrong or only suspected.
 * Fix the key (or the version); the client retries only every `reconnect.maxDelayMs`.
 */
export class WrongKeyError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_WRONG_KEY'
  /** How the wrong key was found (see {@link WrongKeyReason}). */
  readonly reason: WrongKeyReason
  /** True when the device proved the key wrong; false for `'silent'`, where the version or a busy device may be at fault instead. */
  readonly isProven: boolean

  /**
   * @param message - what happened and what to do
   * @param options - reason (required), cause, deviceId
   * @throws TypeError when `options.reason` is not a {@link WrongKeyReason}
   */
  constructor(message: string, options: WrongKeyErrorOptions) {
    super(message, options)
    this.reason = checkOption(options?.reason, WRONG_KEY_REASONS, 'options.reason')
    this.isProven = this.reason !== 'silent'
  }
}

/** Options of {@link WrongVersionError}. */
export interface WrongVersionErrorOptions extends ConnectionErrorOptions {
  /** The version the device's frames show, when they show one. */
  seenVersion?: ProtocolVersion | undefined
}

/**
 * The device speaks another protocol version than the configured one: its frames have the
 * format, integrity or encryption of another version (a 6699 frame on 3.3, a 3.3 reply to a
 * 3.1 query), or it ignores a 3.1 query that needs no key. Configure the right `version`, or `'auto'`.
 */
export class WrongVersionError extends ConnectionError {
  static override readonly code: string = 'TUYA_ERR_WRONG_VERSION'
  /**
   * The version the device seems to speak, when its frames show it (a 6699 frame: 3.5; a reply
   * that decrypts as 3.3: 3.3). Undefined when the device was silent or gave nothing to go by.
   */
  readonly seenVersion: ProtocolVersion | undefined

  /**
   * @param message - what happened and what to do
   * @param options - seenVersion, cause, deviceId
   */
  constructor(message: string, options: WrongVersionErrorOptions = {}) {
    super(message, options)
    this.seenVersion = options.seenVersion
  }
}

/**
 * `version: 'auto'` found no protocol version the device answers: none of the 3.1/3.3 queries
 * or 3.4/3.5 handshakes got a reply in time. Check host, port and local key, and that no
 * other client holds the device's only connection.
 */
export class VersionNotFoundError extends WrongVersionError {
  static override readonly code: string = 'TUYA_ERR_VERSION_NOT_FOUND'
}

/** The handle was closed with `close()`; create a new one to talk to the device again. */
export class ClosedError extends ClientError {
  static override readonly code: string = 'TUYA_ERR_CLOSED'
}

/**
 * Whether an error means the configuration is wrong (key, version, or no permission to use the
 * network), so retrying soon is pointless.
 */
export function isConfigurationError(error: unknown): error is WrongKeyError | WrongVersionError | ConnectionError {
  return error instanceof WrongKeyError || error instanceof WrongVersionError || (error instanceof ConnectionError && error.failure === 'permission-denied')
}

/** `value` when it is one of `allowed`; a TypeError naming the option otherwise (JavaScript callers, a typo). */
function checkOption<T extends string>(value: T | undefined, allowed: ReadonlySet<string>, name: string): T {
  if (typeof value !== 'string' || !allowed.has(value)) {
    throw new TypeError(`${name} must be one of ${[...allowed].join(', ')}, got ${typeof value === 'string' ? `'${value}'` : String(value)}`)
  }
  return value
}
