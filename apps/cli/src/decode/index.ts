/**
 * The decoder behind `tuya decode`: capture files (pcap, pcapng) and hex frames in, decoded
 * frame records out. Pure functions over bytes; the command (../commands/decode.ts) does the I/O.
 *
 * @example
 * ```ts
 * import { decodeCapture, formatFrameLine } from './decode/index.ts'
 * const { records } = decodeCapture(pcapBytes, { key: new TextEncoder().encode('0123456789abcdef') })
 * for (const r of records) if (r.kind === 'frame') console.log(formatFrameLine(r))
 * ```
 */
export { readCapture, isCapture } from './capture.ts'
export type { Capture, CapturePacket } from './capture-types.ts'
export { CaptureFormatError, CaptureTooLargeError } from './errors.ts'
export { parsePacket, formatEndpoint } from './packet.ts'
export type { Endpoint, TcpSegment, UdpDatagram } from './packet.ts'
export { HalfStream } from './tcp-reassembly.ts'
export type { StreamChunk } from './tcp-reassembly.ts'
export { TcpConnectionTracker } from './tcp-connections.ts'
export type { TcpConnection } from './tcp-connections.ts'
export { guessVersion, hasCrcTrailer } from './version-guess.ts'
export { ConversationDecoder, describeDecodeError } from './conversation.ts'
export type { ConversationOptions } from './conversation.ts'
export { chooseKey, scoreKey } from './key-selection.ts'
export { decodeDatagram, DISCOVERY_PORTS } from './udp.ts'
export { decodeCapture } from './decode-capture.ts'
export type { CaptureDecodeResult, DecodeCaptureOptions, DecodeStats } from './decode-capture.ts'
export { decodeHexFrames, frameLines, looksLikeHex, parseHex } from './hex-input.ts'
export type { DecodeHexOptions } from './hex-input.ts'
export { formatFrameLine, formatNoticeLine, formatTime, frameToJson, isoTime } from './format.ts'
export type { FormatOptions } from './format.ts'
export type { DecodeRecord, FrameRecord, NoticeRecord } from './records.ts'
