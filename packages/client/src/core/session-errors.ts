/**
 * Maps the session's negotiation errors to the client's configuration errors.
 */
import type { ProtocolVersion } from '@tuya/codec'
import { HandshakeTimeoutError, MalformedHandshakeError, UnexpectedFrameError, WrongLocalKeyError, WrongVersionError as SessionWrongVersionError, type HandshakeError } from '@tuya/session'
import { ConnectionError, WrongKeyError, WrongVersionError } from '../errors.ts'
import { connectTimeout } from './failures.ts'

/**
 * The client error for a connection whose establishment failed (its `failed` event).
 * @param error - the connection machine's error
 * @param version - the version it was establishing (undefined: the auto probe's query answers)
 * @param context - whether an earlier connection proved the key; the connect timeout; the device
 */
export function establishFailure(error: HandshakeError, version: ProtocolVersion | undefined, context: { hasProvenKey: boolean; timeoutMs: number; deviceId: string }): Error {
  const { hasProvenKey, timeoutMs, deviceId } = context
  if (error instanceof HandshakeTimeoutError) {
    return connectTimeout({ isOpen: true, version: error.stage === 'probe' ? undefined : version, hasProvenKey, timeoutMs }, deviceId)
  }
  if (error instanceof WrongLocalKeyError && error.symptom === 'undecryptable') return new WrongKeyError(error.message, { reason: 'undecryptable', cause: error, deviceId })
  return handshakeFailure(error, version ?? 'auto-detected', deviceId)
}

/**
 * Turns an error thrown by a client `Session` into a WrongKeyError, WrongVersionError or ConnectionError.
 *
 * @param error - what `session.receive` threw
 * @param version - the version being negotiated
 * @param deviceId - for the error
 * @returns the client error, with the session error as `cause`
 */
export function handshakeFailure(error: unknown, version: string, deviceId: string): Error {
  const options = { cause: error, deviceId }
  if (error instanceof WrongLocalKeyError) {
    return new WrongKeyError(`the ${version} handshake failed: the device does not hold this local key (its proof did not verify); check the key (it changes when the device is re-paired)`, { ...options, reason: 'handshake-proof' })
  }
  if (error instanceof SessionWrongVersionError || error instanceof UnexpectedFrameError || error instanceof MalformedHandshakeError) {
    return new WrongVersionError(`the ${version} handshake failed: the device answered like another protocol version; set the right version, or version: 'auto'`, options)
  }
  return new ConnectionError(`the ${version} handshake failed; the connection was closed and will be retried`, { ...options, failure: 'handshake-failed' })
}
