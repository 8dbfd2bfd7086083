/**
 * Encoding of the frames a simulated device sends, on top of `@tuya/codec`'s `encodeFrame`.
 * The device conventions live here: which frames real 3.1/3.2 firmware sends in clear,
 * which header a push carries, the source-header serial.
 */
import { encodeFrame, type KeyInput } from '@tuya/codec'
import type { RandomSource } from '@tuya/crypto'
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

/** How to encode one frame on a given connection. */
export interface EncodeContext {
  profile: VersionProfile
  key: KeyInput
  seq: number
  /** Serial of the source header (pushes only). */
  serial: number
  /** Source of the 3.5 IV; undefined = the codec's default. */
  random: RandomSource | undefined
}

function writeU32(b: Uint8Array, at: number, n: number): void {
  b[at] = n >>> 24
  b[at + 1] = n >>> 16
  b[at + 2] = n >>> 8
  b[at + 3] = n
}

/**
 * The source header a device puts in front of pushes: "3.x" || crc(0) || serial || origin(1) (§5).
 * @param version - protocol version string ("3.3", "3.4", "3.5": three ASCII characters)
 * @param serial - per-origin report counter
 * @returns 15 bytes
 */
export function sourceHeader(version: string, serial: number): Uint8Array {
  const header = new Uint8Array(15)
  for (let i = 0; i < 3; i++) header[i] = version.charCodeAt(i)
  // Bytes 3-6: the crc field, 0 on devices.
  writeU32(header, 7, serial >>> 0)
  writeU32(header, 11, 1)
  return header
}

function payloadText(payload: OutFrame['payload']): string {
  if (payload === undefined) return ''
  // Compact JSON from a real serializer (§8.1); field order is insertion order.
  return typeof payload === 'string' ? payload : JSON.stringify(payload)
}

/**
 * Encodes one device frame for the connection's version, key and sequence number.
 * @param frame - what to send
 * @param ctx - version profile, key, seq, serial, randomness
 * @returns the complete frame bytes
 */
export function encodeDeviceFrame(frame: OutFrame, ctx: EncodeContext): Uint8Array {
  // The codec encodes the text as UTF-8 (empty text: an empty payload, an acknowledgement).
  const text = payloadText(frame.payload)
  const isEmpty = text.length === 0
  const { profile } = ctx
  // 3.1 firmware sends replies and errors as plaintext and only pushes in the signed,
  // encrypted form (v31_resp_dp_query, v31_push_status); 3.2 firmware sends its error texts
  // unencrypted (v32_resp_dp_query_error_cleartext).
  const isClear = !isEmpty && (profile.isV31 ? frame.kind !== 'push' : frame.isError === true && profile.hasClearErrors)
  const header = isClear || isEmpty || frame.header === 'none' ? false : frame.header === 'version' ? true : sourceHeader(profile.version, ctx.serial)
  return encodeFrame({
    version: profile.version,
    key: ctx.key,
    direction: 'fromDevice',
    seq: ctx.seq,
    cmd: frame.cmd,
    payload: text,
    retcode: frame.retcode,
    header,
    // undefined: the codec's rule for the command
    encrypt: isClear ? false : profile.isV31 && !isEmpty ? true : undefined,
    random: ctx.random,
  })
}
