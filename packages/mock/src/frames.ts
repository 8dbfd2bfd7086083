/**
 * Encoding of the frames a simulated device sends, on top of `@tuya/codec`'s `encodeFrame`.
 * The device conventions live here: which frames real 3.1/3.2 firmware sends in clear,
 * which header a push carries, the source-header serial.
 */
import { encodeFrame, type KeyInput } from '@tuya/codec'
import { concatBytes, utf8ToBytes, type RandomSource } from '@tuya/crypto'
import type { VersionProfile } from './profiles.ts'

/** A frame the device wants to send, before sequence numbering and encryption. */
export interface OutFrame {
  cmd: number
  /** JSON object, error text, or undefined for an empty acknowledgement. */
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
  random: RandomSource
}

function u32(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff])
}

/**
 * The source header a device puts in front of pushes: "3.x" || crc(0) || serial || origin(1) (§5).
 * @param version - protocol version string
 * @param serial - per-origin report counter
 * @returns 15 bytes
 */
export function sourceHeader(version: string, serial: number): Uint8Array {
  return concatBytes(utf8ToBytes(version), u32(0), u32(serial >>> 0), u32(1))
}

function payloadBytes(payload: OutFrame['payload']): Uint8Array {
  if (payload === undefined) return new Uint8Array(0)
  // Compact JSON from a real serializer (§8.1); field order is insertion order.
  return utf8ToBytes(typeof payload === 'string' ? payload : JSON.stringify(payload))
}

/**
 * Encodes one device frame for the connection's version, key and sequence number.
 * @param frame - what to send
 * @param ctx - version profile, key, seq, serial, randomness
 * @returns the complete frame bytes
 */
export function encodeDeviceFrame(frame: OutFrame, ctx: EncodeContext): Uint8Array {
  const body = payloadBytes(frame.payload)
  const { profile } = ctx
  // 3.1 firmware sends replies and errors as plaintext and only pushes in the signed,
  // encrypted form (v31_resp_dp_query, v31_push_status); 3.2 firmware sends its error texts
  // unencrypted (v32_resp_dp_query_error_cleartext).
  const isClear = body.length > 0 && (profile.isV31 ? frame.kind !== 'push' : frame.isError === true && profile.hasClearErrors)
  const header = isClear || body.length === 0 || frame.header === 'none' ? false : frame.header === 'version' ? true : sourceHeader(profile.version, ctx.serial)
  return encodeFrame({
    version: profile.version,
    key: ctx.key,
    direction: 'fromDevice',
    seq: ctx.seq,
    cmd: frame.cmd,
    payload: body,
    retcode: frame.retcode,
    header,
    ...(isClear ? { encrypt: false } : profile.isV31 && body.length > 0 ? { encrypt: true } : {}),
    random: ctx.random,
  })
}
