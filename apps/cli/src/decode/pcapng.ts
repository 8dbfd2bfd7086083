/**
 * pcapng files: section header blocks in either byte order (a file may hold several
 * sections), interface description blocks (link type, if_tsresol, if_tsoffset), enhanced,
 * simple and obsolete packet blocks; every other block is skipped. Every length is checked
 * against its block and the file before it is used.
 */
import { type Capture, type CapturePacket, MAX_PACKET_BYTES } from './capture-types.ts'
import { CaptureFormatError } from './errors.ts'

const SHB = 0x0a0d0d0a
const IDB = 0x00000001
const PB = 0x00000002
const SPB = 0x00000003
const EPB = 0x00000006
const BYTE_ORDER_MAGIC = 0x1a2b3c4d
const OPT_END = 0
const OPT_TSRESOL = 9
const OPT_TSOFFSET = 14

interface Interface {
  readonly linkType: number
  readonly snapLength: number
  /** Timestamp units per second. */
  readonly unitsPerSecond: bigint
  /** Seconds added to every timestamp. */
  readonly offsetSeconds: bigint
}

/**
 * Whether `bytes` starts with a pcapng section header block.
 * @param bytes - the file's first bytes
 * @returns true for pcapng
 */
export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a
}

function readInterface(view: DataView, start: number, end: number, isLittle: boolean): Interface {
  // body: linktype(2) reserved(2) snaplen(4) options...
  if (end - start < 8) throw new CaptureFormatError('interface description block too short', start)
  const linkType = view.getUint16(start, isLittle)
  const snapLength = view.getUint32(start + 4, isLittle)
  let unitsPerSecond = 1_000_000n
  let offsetSeconds = 0n
  let at = start + 8
  while (at + 4 <= end) {
    const code = view.getUint16(at, isLittle)
    const length = view.getUint16(at + 2, isLittle)
    const value = at + 4
    if (code === OPT_END) break
    if (value + length > end) throw new CaptureFormatError(`interface option ${code} overruns its block`, at)
    if (code === OPT_TSRESOL && length >= 1) {
      const raw = view.getUint8(value)
      const exponent = BigInt(raw & 0x7f)
      // MSB clear: 10^-n seconds; MSB set: 2^-n seconds. Cap the exponent to stay sane.
      if ((raw & 0x7f) > 30) throw new CaptureFormatError(`if_tsresol ${raw} is out of range`, value)
      unitsPerSecond = (raw & 0x80) === 0 ? 10n ** exponent : 2n ** exponent
    } else if (code === OPT_TSOFFSET && length >= 8) {
      offsetSeconds = view.getBigInt64(value, isLittle)
    }
    at = value + ((length + 3) & ~3)
  }
  return { linkType, snapLength, unitsPerSecond, offsetSeconds }
}

function toMicros(iface: Interface, high: number, low: number): number {
  const units = (BigInt(high) << 32n) | BigInt(low)
  const micros = (units * 1_000_000n) / iface.unitsPerSecond + iface.offsetSeconds * 1_000_000n
  return Number(micros)
}

/**
 * Reads a pcapng file.
 * @param bytes - the whole file
 * @returns the packets; `error` is set when the file is damaged after its first section header
 * @throws CaptureFormatError when the first section header is unusable
 */
export function readPcapng(bytes: Uint8Array): Capture {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const packets: CapturePacket[] = []
  let interfaces: Interface[] = []
  let isLittle = true
  let offset = 0
  while (offset < bytes.length) {
    try {
      if (bytes.length - offset < 12) throw new CaptureFormatError(`truncated block header (${bytes.length - offset} bytes left)`, offset)
      const type = view.getUint32(offset, isLittle)
      if (type === SHB) {
        if (bytes.length - offset < 28) throw new CaptureFormatError('truncated section header block', offset)
        const magicLe = view.getUint32(offset + 8, true)
        if (magicLe === BYTE_ORDER_MAGIC) isLittle = true
        else if (view.getUint32(offset + 8, false) === BYTE_ORDER_MAGIC) isLittle = false
        else throw new CaptureFormatError('section header block has a bad byte-order magic', offset + 8)
        const major = view.getUint16(offset + 12, isLittle)
        if (major !== 1) throw new CaptureFormatError(`unsupported pcapng version ${major}`, offset + 12)
        interfaces = []
      } else if (offset === 0) {
        throw new CaptureFormatError('not a pcapng file (no section header block)', 0)
      }
      const total = view.getUint32(offset + 4, isLittle)
      if (total < 12 || total % 4 !== 0) throw new CaptureFormatError(`block length ${total} is not a multiple of 4 of at least 12`, offset + 4)
      if (total > bytes.length - offset) throw new CaptureFormatError(`block of ${total} bytes, ${bytes.length - offset} left in the file`, offset + 4)
      if (view.getUint32(offset + total - 4, isLittle) !== total) throw new CaptureFormatError('block lengths at start and end differ', offset + total - 4)
      const body = offset + 8
      const end = offset + total - 4
      if (type === IDB) {
        interfaces.push(readInterface(view, body, end, isLittle))
      } else if (type === EPB || type === PB) {
        if (end - body < 20) throw new CaptureFormatError('packet block too short', offset)
        const ifaceId = type === EPB ? view.getUint32(body, isLittle) : view.getUint16(body, isLittle)
        const iface = interfaces[ifaceId]
        if (iface === undefined) throw new CaptureFormatError(`packet block names interface ${ifaceId}, which was not described`, body)
        const capturedLength = view.getUint32(body + 12, isLittle)
        const originalLength = view.getUint32(body + 16, isLittle)
        if (capturedLength > MAX_PACKET_BYTES) throw new CaptureFormatError(`captured length ${capturedLength} exceeds ${MAX_PACKET_BYTES}`, body + 12)
        if (body + 20 + capturedLength > end) throw new CaptureFormatError(`captured length ${capturedLength} overruns its block`, body + 12)
        packets.push({
          index: packets.length,
          offset,
          timeUs: toMicros(iface, view.getUint32(body + 4, isLittle), view.getUint32(body + 8, isLittle)),
          linkType: iface.linkType,
          data: bytes.subarray(body + 20, body + 20 + capturedLength),
          originalLength: Math.max(originalLength, capturedLength),
        })
      } else if (type === SPB) {
        const iface = interfaces[0]
        if (iface === undefined) throw new CaptureFormatError('simple packet block before any interface description', offset)
        if (end - body < 4) throw new CaptureFormatError('simple packet block too short', offset)
        const originalLength = view.getUint32(body, isLittle)
        const room = end - body - 4
        const capturedLength = Math.min(originalLength, room, iface.snapLength === 0 ? room : iface.snapLength)
        if (capturedLength > MAX_PACKET_BYTES) throw new CaptureFormatError(`packet of ${capturedLength} bytes exceeds ${MAX_PACKET_BYTES}`, body)
        // A simple packet block has no timestamp: keep the previous packet's time.
        packets.push({
          index: packets.length,
          offset,
          timeUs: packets.at(-1)?.timeUs ?? 0,
          linkType: iface.linkType,
          data: bytes.subarray(body + 4, body + 4 + capturedLength),
          originalLength: Math.max(originalLength, capturedLength),
        })
      }
      offset += total
    } catch (error) {
      if (!(error instanceof CaptureFormatError)) throw error
      if (offset === 0) throw error
      return { format: 'pcapng', packets, error }
    }
  }
  return { format: 'pcapng', packets }
}
