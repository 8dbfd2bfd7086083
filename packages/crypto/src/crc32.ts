import { assertBytes } from './bytes.ts'

// The common reflected CRC-32 (polynomial 0xEDB88320, as zlib), slicing-by-4 tables.
const TABLES: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    t0[n] = c >>> 0
  }
  const tables = [t0]
  for (let j = 1; j < 4; j++) {
    const prev = tables[j - 1]!
    const t = new Uint32Array(256)
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!
    tables.push(t)
  }
  return tables
})()
const [T0, T1, T2, T3] = TABLES as [Uint32Array, Uint32Array, Uint32Array, Uint32Array]

/**
 * CRC-32 of `data[start, end)` as an unsigned 32-bit integer; the 55AA frame trailer
 * (3.1-3.3 and UDP).
 * @example crc32(new TextEncoder().encode('123456789')) // 0xcbf43926
 */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  assertBytes(data, 'data')
  if (start < 0 || end > data.length || start > end) throw new RangeError(`crc32 range [${start}, ${end}) is outside 0..${data.length}`)
  let crc = 0xffffffff
  let i = start
  for (; i + 4 <= end; i += 4) {
    crc ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)
    crc = T3[crc & 0xff]! ^ T2[(crc >>> 8) & 0xff]! ^ T1[(crc >>> 16) & 0xff]! ^ T0[crc >>> 24]!
  }
  for (; i < end; i++) crc = T0[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
