import { assertBytes } from './bytes.ts'

// The common reflected CRC-32 (polynomial 0xEDB88320, as zlib), slicing-by-8 tables
// (Intel's "slicing-by-8", as in zlib's crc32_little): 8 bytes per step instead of 1.
// Int32Array keeps every value a small integer for V8 (Uint32 would box values >= 2^31).
const TABLES: Int32Array[] = (() => {
  const t0 = new Int32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t0[n] = c
  }
  const tables = [t0]
  for (let j = 1; j < 8; j++) {
    const prev = tables[j - 1]!
    const t = new Int32Array(256)
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!
    tables.push(t)
  }
  return tables
})()
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array]

/**
 * CRC-32 of `data[start, end)` as an unsigned 32-bit integer; the 55AA frame trailer
 * (3.1-3.3 and UDP).
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  assertBytes(data, 'data')
  if (start < 0 || end > data.length || start > end) throw new RangeError(`crc32 range [${start}, ${end}) is outside 0..${data.length}`)
  let crc = -1
  let i = start
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))
    crc = T7[a & 0xff]! ^ T6[(a >>> 8) & 0xff]! ^ T5[(a >>> 16) & 0xff]! ^ T4[a >>> 24]! ^ T3[data[i + 4]!]! ^ T2[data[i + 5]!]! ^ T1[data[i + 6]!]! ^ T0[data[i + 7]!]!
  }
  for (; i < end; i++) crc = T0[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
  return ~crc >>> 0
}
