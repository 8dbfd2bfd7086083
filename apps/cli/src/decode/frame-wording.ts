/**
 * How `tuya decode` words a frame: decode failures as short, actionable texts, payloads as
 * record fields, and what the session follower saw of a negotiation as notes and notices.
 */
import {
  AuthenticationError,
  BadPaddingError,
  CrcMismatchError,
  DecryptError,
  HmacMismatchError,
  NotJsonError,
  TruncatedFrameError,
  type DecodedFrame,
  type ProtocolVersion,
} from '@tuya/codec'
import { bytesToHex, TuyaError } from '@tuya/crypto'
import type { NegotiationObservation } from '@tuya/session'
import type { FrameRecord, NoticeRecord } from './records.ts'

/**
 * Turns a decode failure into a short, actionable text.
 * @param error - what decodeFrame threw
 * @param isSessionKey - whether the session key was used
 * @returns a stable code and a one-line message
 */
export function describeDecodeError(error: unknown, isSessionKey = false): { code: string; message: string } {
  const under = isSessionKey ? ' under the session key' : ''
  if (error instanceof HmacMismatchError) return { code: error.code, message: `HMAC mismatch${under}: wrong key?` }
  if (error instanceof AuthenticationError) return { code: error.code, message: `GCM tag mismatch${under}: wrong key?` }
  if (error instanceof BadPaddingError) return { code: error.code, message: `bad padding after decryption${under}: wrong key or version?` }
  if (error instanceof DecryptError) return { code: error.code, message: `decryption failed${under}: wrong key or version?` }
  if (error instanceof CrcMismatchError) return { code: error.code, message: 'CRC mismatch: damaged frame' }
  // The codec's advice (wait for more data) is for streams; here the input is all there is.
  if (error instanceof TruncatedFrameError) return { code: error.code, message: `${error.message.split(';')[0]}: an incomplete frame (give all of its bytes)` }
  if (error instanceof NotJsonError) return { code: error.code, message: 'payload is not valid JSON: wrong key or version?' }
  if (error instanceof TuyaError) return { code: error.code, message: error.message }
  if (error instanceof TypeError || error instanceof RangeError) return { code: 'TUYA_ERR_ARGUMENT', message: error.message }
  return { code: 'TUYA_ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) }
}

/**
 * Fills the payload fields of a record: acknowledgement, text, JSON, or hex for binary payloads.
 * @param frame - the record to fill
 * @param decoded - the decoded frame
 */
export function describePayload(frame: FrameRecord, decoded: DecodedFrame): void {
  frame.isAck = decoded.payload.length === 0
  if (decoded.text !== undefined) frame.text = decoded.text
  if (decoded.json !== undefined) frame.json = decoded.json
  if (decoded.text === undefined && decoded.payload.length > 0) frame.payloadHex = bytesToHex(decoded.payload)
}

/**
 * Words what one negotiation frame told: its note (nonces, proofs) and the notices after it.
 * @param frame - the record of the START, RESP or FINISH frame
 * @param step - what the session follower saw
 * @param decoded - the frame, decoded
 * @param version - the connection's version
 * @param showKeys - whether the derived session key goes into the record
 * @returns the notices to emit after the frame
 */
export function describeNegotiation(frame: FrameRecord, step: NegotiationObservation, decoded: DecodedFrame, version: ProtocolVersion, showKeys: boolean): NoticeRecord[] {
  if (step.step === 'start') {
    frame.info = step.clientNonce === undefined ? 'START without a 16-byte client nonce' : `client nonce ${bytesToHex(step.clientNonce)}`
    return []
  }
  if (step.step === 'resp') {
    if (step.deviceNonce === undefined) {
      frame.info = `RESP of ${decoded.payload.length} bytes, 48 expected`
      return []
    }
    if (step.sessionKey === undefined) {
      frame.info = `device nonce ${bytesToHex(step.deviceNonce)}; START not seen: no session key`
      return [{ kind: 'notice', level: 'warning', message: 'RESP without START: the session key cannot be derived' }]
    }
    frame.info = `device nonce ${bytesToHex(step.deviceNonce)}, proof ${step.isProofOk === true ? 'ok' : 'MISMATCH (wrong local key on one side)'}`
    frame.session = showKeys ? { keyHex: bytesToHex(step.sessionKey) } : {}
    const shown = showKeys ? `: ${bytesToHex(step.sessionKey)}` : ' (--show-keys prints it)'
    return [{ kind: 'notice', level: 'info', message: `session key derived (${version}, from the START and RESP nonces)${shown}` }]
  }
  frame.info = step.problem === 'no-resp' ? 'FINISH without RESP' : `proof ${step.isProofOk === true ? 'ok' : 'MISMATCH (the device will close the connection)'}`
  return []
}

/**
 * Words a client frame of the `version: 'auto'` probe in another version than the device's.
 * @param frame - the record to fill
 * @param decoded - the frame, decoded in the probe's version
 * @param connectionVersion - the version the device speaks
 */
export function describeProbe(frame: FrameRecord, decoded: DecodedFrame, connectionVersion: ProtocolVersion): void {
  frame.direction = 'toDevice'
  frame.version = decoded.version
  frame.probe = decoded.version
  describePayload(frame, decoded)
  frame.info = `version probe (${decoded.version}): the client tried ${decoded.version}; this device speaks ${connectionVersion}`
}
