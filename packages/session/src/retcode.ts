/**
 * Compatibility with peers that send 55AA+CRC device frames without the retcode (tuyapi's
 * encoder, and so `@tuyapi/stub`; PROTOCOL.md §17 "retcode on 55AA device frames"). Real
 * devices always send one, and a real retcode (0 or 1) starts with three zero bytes, so such
 * frames pass through untouched. A frame without them whose CRC is intact gets a zero retcode
 * inserted (and a fresh CRC) before decoding, which is tuyapi's own heuristic.
 */
import { readU32, writeU32 } from '@tuya/codec'
import { crc32 } from '@tuya/crypto'

const HEADER = 16
const TRAILER = 8 // CRC + suffix
const MIN_DEVICE_LENGTH = 12 // retcode + CRC + suffix

/**
 * Returns the frame with a retcode: as is when it has one (or is not an intact 55AA+CRC
 * frame: decoding then reports the problem), else with `00000000` inserted.
 * @param raw - one complete 55AA frame from a 3.1-3.3 device
 */
export function withRetcode(raw: Uint8Array): Uint8Array {
  if (raw.length < HEADER + TRAILER) return raw
  const length = readU32(raw, 12)
  if (length >= MIN_DEVICE_LENGTH && raw[16] === 0 && raw[17] === 0 && raw[18] === 0) return raw
  const crcAt = raw.length - TRAILER
  if (crc32(raw, 0, crcAt) !== readU32(raw, crcAt)) return raw
  const out = new Uint8Array(raw.length + 4)
  out.set(raw.subarray(0, 12), 0)
  writeU32(out, 12, length + 4)
  out.set(raw.subarray(HEADER, crcAt), HEADER + 4)
  const outCrcAt = out.length - TRAILER
  writeU32(out, outCrcAt, crc32(out, 0, outCrcAt))
  out.set(raw.subarray(raw.length - 4), out.length - 4)
  return out
}
