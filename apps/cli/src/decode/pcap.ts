/**
 * Classic libpcap files: both byte orders, microsecond (a1b2c3d4) and nanosecond (a1b23c4d)
 * timestamps. Bounded: every length is checked against the file before it is used.
 */
import { type Capture, type CapturePacket, MAX_PACKET_BYTES } from './capture-types.ts'
import { CaptureFormatError } from './errors.ts'

const MAGIC_US = 0xa1b2c3d4
const MAGIC_NS = 0xa1b23c4d
const FILE_HEADER_BYTES = 24
const RECORD_HEADER_BYTES = 16

/**
 * Whether `bytes` starts with a classic pcap magic number (either byte order).
 * @param bytes - the file's first bytes
 * @returns true for pcap
 */
export function isPcap(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4)
  const be = view.getUint32(0, false)
  const le = view.getUint32(0, true)
  return be === MAGIC_US || be === MAGIC_NS || le === MAGIC_US || le === MAGIC_NS
}

/**
 * Reads a classic pcap file.
 * @param bytes - the whole file
 * @returns the packets; `error` is set when the file is damaged after its header
 * @throws CaptureFormatError when the file header itself is unusable
 */
export function readPcap(bytes: Uint8Array): Capture {
  if (bytes.length < FILE_HEADER_BYTES) throw new CaptureFormatError(`a pcap file header is ${FILE_HEADER_BYTES} bytes, the file has ${bytes.length}`, 0)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magicBe = view.getUint32(0, false)
  const isLittle = magicBe !== MAGIC_US && magicBe !== MAGIC_NS
  const magic = view.getUint32(0, isLittle)
  if (magic !== MAGIC_US && magic !== MAGIC_NS) throw new CaptureFormatError('not a pcap file (bad magic number)', 0)
  const isNano = magic === MAGIC_NS
  const major = view.getUint16(4, isLittle)
  if (major !== 2) throw new CaptureFormatError(`unsupported pcap version ${major}.${view.getUint16(6, isLittle)}`, 4)
  // The upper bits of the link-type field carry FCS information (pcap-savefile(5)).
  const linkType = view.getUint32(20, isLittle) & 0x0fffffff
  const packets: CapturePacket[] = []
  let offset = FILE_HEADER_BYTES
  while (offset < bytes.length) {
    if (bytes.length - offset < RECORD_HEADER_BYTES) {
      return { format: 'pcap', packets, error: new CaptureFormatError(`truncated record header (${bytes.length - offset} of ${RECORD_HEADER_BYTES} bytes)`, offset) }
    }
    const seconds = view.getUint32(offset, isLittle)
    const fraction = view.getUint32(offset + 4, isLittle)
    const capturedLength = view.getUint32(offset + 8, isLittle)
    const originalLength = view.getUint32(offset + 12, isLittle)
    if (fraction >= (isNano ? 1_000_000_000 : 1_000_000)) {
      return { format: 'pcap', packets, error: new CaptureFormatError(`record ${packets.length}: timestamp fraction ${fraction} out of range`, offset + 4) }
    }
    if (capturedLength > MAX_PACKET_BYTES) {
      return { format: 'pcap', packets, error: new CaptureFormatError(`record ${packets.length}: captured length ${capturedLength} exceeds ${MAX_PACKET_BYTES}`, offset + 8) }
    }
    const dataStart = offset + RECORD_HEADER_BYTES
    if (bytes.length - dataStart < capturedLength) {
      return { format: 'pcap', packets, error: new CaptureFormatError(`record ${packets.length}: ${capturedLength} bytes announced, ${bytes.length - dataStart} left in the file`, offset + 8) }
    }
    packets.push({
      index: packets.length,
      offset,
      timeUs: seconds * 1_000_000 + (isNano ? Math.floor(fraction / 1000) : fraction),
      linkType,
      data: bytes.subarray(dataStart, dataStart + capturedLength),
      originalLength: Math.max(originalLength, capturedLength),
    })
    offset = dataStart + capturedLength
  }
  return { format: 'pcap', packets }
}
