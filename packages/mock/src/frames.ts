/**
 * The frames a simulated device sends, before the connection machine seals and numbers them.
 * The device conventions live here: which frames real 3.1/3.2 firmware sends in clear,
 * which header a push carries, the source-header serial.
 */
import { VERSION_HEADER_BYTES, writeU32 } from '@tuya/codec'
import type { OutgoingFrame } from '@tuya/session'
import type { VersionProfile } from './profiles.ts'

/** A frame the device wants to send, before sequence numbering and encryption. */
export interface OutFrame {
  cmd: number
  /** JSON object, JSON or error text (sent as is), or undefined for an empty acknowledgement. */
  payload?: Record<string, unknown> | string
  retcode: number
  /** Which 15-byte header goes in front of the payload. */
  header: 'none' | 'version' | 'source'
  /** `reply` echoes the request seq on 3.1-3.3; `push` and `heartbeat` use 0 there. */
  kind: 'reply' | 'push' | 'heartbeat'
  /** An error text (travels in clear on 3.1/3.2). */
  isError?: boolean
}

/**
 * The source header a device puts in front of pushes: "3.x" || crc(0) || serial || origin(1) (§5).
 * @param version - protocol version string ("3.3", "3.4", "3.5": three ASCII characters)
 * @param serial - per-origin report counter
 * @returns the 15 bytes
 */
export function sourceHeader(version: string, serial: number): Uint8Array {
  const header = new Uint8Array(VERSION_HEADER_BYTES)
  for (let i = 0; i < 3; i++) header[i] = version.charCodeAt(i)
  // Bytes 3-6: the crc field, 0 on devices.
  writeU32(header, 3, 0)
  writeU32(header, 7, serial >>> 0)
  writeU32(header, 11, 1)
  return header
}

function payloadText(payload: OutFrame['payload']): string {
  if (payload === undefined) return ''
  // Compact JSON from a real serializer (§8.1); field order is insertion order.
  return typeof payload === 'string' ? payload : JSON.stringify(payload)
}

function headerOf(frame: OutFrame, profile: VersionProfile, serial: number): OutgoingFrame['header'] {
  if (frame.header === 'none') return false
  return frame.header === 'version' ? true : sourceHeader(profile.version, serial)
}

/**
 * How a device sends one frame on its version: payload text, header and encryption, by the
 * conventions above. The connection machine adds the key and the seq.
 * @param frame - what to send
 * @param profile - the version profile
 * @param serial - the source-header serial (pushes only)
 * @returns the frame for `Connection.send`
 */
export function deviceFrame(frame: OutFrame, profile: VersionProfile, serial: number): OutgoingFrame {
  // The codec encodes the text as UTF-8 (empty text: an empty payload, an acknowledgement).
  const payload = payloadText(frame.payload)
  const isEmpty = payload.length === 0
  // 3.1 firmware sends replies and errors as plaintext and only pushes in the signed,
  // encrypted form (v31_resp_dp_query, v31_push_status); 3.2 firmware sends its error texts
  // unencrypted (v32_resp_dp_query_error_cleartext).
  const clearText = profile.deviceClearText
  const isClear = !isEmpty && (clearText === 'all-but-pushes' ? frame.kind !== 'push' : clearText === 'errors' && frame.isError === true)
  // undefined: the codec's rule for the command; a version whose replies travel in clear
  // still encrypts what it does not send in clear (3.1 pushes).
  const encrypt = isClear ? false : clearText === 'all-but-pushes' && !isEmpty ? true : undefined
  return { cmd: frame.cmd, payload, retcode: frame.retcode, header: isClear || isEmpty ? false : headerOf(frame, profile, serial), ...(encrypt === undefined ? {} : { encrypt }) }
}
