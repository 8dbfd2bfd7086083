/**
 * The errors the engine produces, with messages that say what happened and what to do.
 */
import { CMD, commandName, VERSION_FACTS, type ProtocolVersion } from '@tuya/codec'
import { ConnectionError, ConnectionLostError, OfflineError, TimeoutError, VersionNotFoundError, WrongKeyError, WrongVersionError, type CertainFailure, type ConnectionFailure } from '../errors.ts'

/** The TCP connection could not be opened; `failure` tells a refusal, a name that does not resolve and a missing permission apart. */
export function openFailed(error: Error, deviceId: string): ConnectionError {
  const failure = openFailureOf(error)
  const what = failure === 'permission-denied' ? `no permission to open a network connection (${error.message}); on Deno, run with --allow-net` : `could not connect: ${error.message}`
  return new ConnectionError(`${what}; retrying with backoff`, { failure, cause: error, deviceId })
}

const UNRESOLVABLE_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA', 'EAI_FAIL'])

function openFailureOf(error: Error): ConnectionFailure {
  // A connector that already knows (the TCP connector's own timeout) says so.
  if (error instanceof ConnectionError && error.failure !== undefined) return error.failure
  const code = (error as { code?: unknown }).code
  if (code === 'ECONNREFUSED') return 'refused'
  if (typeof code === 'string' && UNRESOLVABLE_CODES.has(code)) return 'unresolvable'
  // Deno without --allow-net fails the connect with its NotCapable (older: PermissionDenied) error.
  if (code === 'EACCES' || code === 'EPERM' || error.name === 'NotCapable' || error.name === 'PermissionDenied') return 'permission-denied'
  return 'open-failed'
}

/** The device closed the connection before it was usable. */
export function closedWhileConnecting(isProbing: boolean, error: Error | undefined, deviceId: string): ConnectionError {
  const when = isProbing ? 'while probing its version' : 'before the connection was ready'
  const failure = isProbing ? 'closed-while-probing' : 'closed-while-connecting'
  return new ConnectionError(`the device closed the connection ${when}: another client may hold its only connection (PROTOCOL.md §13); retrying with backoff`, { failure, cause: error, deviceId })
}

/** An online connection ended. */
export function connectionEnded(error: Error | undefined, deviceId: string): ConnectionError {
  const what = error === undefined ? 'the device closed the connection' : `the connection failed: ${error.message}`
  return new ConnectionError(`${what}; reconnecting`, { failure: error === undefined ? 'closed-while-online' : 'socket-error', cause: error, deviceId })
}

/** No heartbeat reply in time. */
export function heartbeatMissed(timeoutMs: number, deviceId: string): ConnectionError {
  return new ConnectionError(`no heartbeat reply within ${timeoutMs} ms: the connection is dead; reconnecting`, { failure: 'heartbeat-missed', deviceId })
}

/** Corrupt frames in a row. */
export function outOfSync(count: number, cause: Error, deviceId: string): ConnectionError {
  return new ConnectionError(`${count} corrupt frames in a row: the stream is out of sync; reconnecting`, { failure: 'out-of-sync', cause, deviceId })
}

/** What the connect deadline means, depending on how far the attempt got. */
export function connectTimeout(stage: { isOpen: boolean; version: string | undefined; hasProvenKey: boolean; timeoutMs: number }, deviceId: string): Error {
  const { isOpen, version, hasProvenKey, timeoutMs } = stage
  if (!isOpen) return new ConnectionError(`could not connect within ${timeoutMs} ms; retrying with backoff`, { failure: 'open-timeout', deviceId })
  if (version === undefined) {
    return new VersionNotFoundError(`version: 'auto' found no version: the device answered none of the 3.1/3.3 queries and 3.4/3.5 handshakes within ${timeoutMs} ms; check the local key, host and port, and that no other client holds the device`, { deviceId })
  }
  if (!hasProvenKey) {
    return new WrongKeyError(`the device accepted the connection but did not answer the ${version} handshake within ${timeoutMs} ms: devices drop frames they cannot authenticate (PROTOCOL.md §18.29), so the local key or the version is probably wrong`, { reason: 'silent', deviceId })
  }
  return new ConnectionError(`the ${version} handshake got no answer within ${timeoutMs} ms; retrying with backoff`, { failure: 'handshake-timeout', deviceId })
}

/**
 * A written command got no answer. Right after connecting (`freshVersion` set) that means a wrong
 * key or version (§18.29: devices drop what they cannot decrypt), or only a wrong version when
 * the command travelled in clear (a 3.1 query needs no key).
 */
export function silence(cmd: number, timeoutMs: number, freshVersion: ProtocolVersion | undefined, deviceId: string): Error {
  if (freshVersion !== undefined && VERSION_FACTS[freshVersion].sendsClearQueries && cmd !== CMD.CONTROL) {
    return new WrongVersionError(`the device ignored a ${commandName(cmd)} that protocol ${freshVersion} sends unencrypted (no key involved) for ${timeoutMs} ms: it does not speak ${freshVersion}; set its version, or version: 'auto'`, { deviceId })
  }
  if (freshVersion !== undefined) {
    return new WrongKeyError(`the device stayed silent after connecting (no answer to ${commandName(cmd)} within ${timeoutMs} ms): devices drop frames they cannot decrypt (PROTOCOL.md §18.29), so the local key or the version is wrong`, { reason: 'silent', deviceId })
  }
  return new TimeoutError(`the device did not answer cmd ${cmd} within ${timeoutMs} ms (it may still have applied it); the connection is being checked with a heartbeat`, { deviceId })
}

/** A command never written before its deadline. */
export function expiredUnsent(isOnline: boolean, timeoutMs: number, last: Error | undefined, deviceId: string): Error {
  if (isOnline) return new TimeoutError(`the command waited ${timeoutMs} ms behind earlier commands and was never sent; raise timeoutMs or maxInFlight`, { deviceId })
  return new OfflineError(`the device could not be reached within ${timeoutMs} ms${last === undefined ? '' : ` (${last.message})`}; the command was never sent`, { reason: 'deadline', cause: last, deviceId })
}

/**
 * Queued commands that do not wait for a reconnect when the attempt or connection they waited for
 * failed: `'connection-failed'` for failFast commands, `'no-reconnect'` for the others when `reconnect`
 * is false; a refusal, an unresolvable name or a missing permission names itself instead.
 */
export function offline(error: Error, reason: 'connection-failed' | 'no-reconnect' | CertainFailure, deviceId: string): OfflineError {
  return new OfflineError(`the device is offline: ${error.message}`, { reason, cause: error, deviceId })
}

/** A written command whose connection dropped. */
export function lostAfterWrite(error: Error, deviceId: string): ConnectionLostError {
  return new ConnectionLostError(`the connection dropped after the command was sent (${error.message}); the device may or may not have applied it`, { cause: error, deviceId })
}

/** A reply on a fresh connection has the format or encryption of another version. */
export function versionMismatch(expected: ProtocolVersion, seen: ProtocolVersion, cause: Error, deviceId: string): WrongVersionError {
  return new WrongVersionError(`the device answered in protocol ${seen}, not ${expected}: set version '${seen}' (or 'auto')`, { seenVersion: seen, cause, deviceId })
}

/** Replies that do not decrypt on a fresh connection. */
export function undecryptable(version: string, cause: Error, deviceId: string): WrongKeyError {
  return new WrongKeyError(`replies from the device do not decrypt under this local key (${version}): the key (or the version) is wrong; check it`, { reason: 'undecryptable', cause, deviceId })
}
