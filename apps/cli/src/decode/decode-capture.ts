/**
 * A capture file in, decoded records out: reads pcap/pcapng, reassembles TCP per connection,
 * decodes discovery datagrams, picks a version and key per connection and follows each
 * connection's session, then merges everything by capture time.
 */
import { DEFAULT_MAX_FRAME_BYTES, VERSION_FACTS, type Direction, type ProtocolVersion } from '@tuya/codec'
import type { DeviceEntry } from '../devices-file.ts'
import { readCapture } from './capture.ts'
import { connectionItems, deviceSideOf, type ConnectionItem } from './connection-frames.ts'
import { ConversationDecoder } from './conversation.ts'
import type { CaptureFormatError } from './errors.ts'
import { chooseKey, type RawFrame } from './key-selection.ts'
import { formatEndpoint, parsePacket } from './packet.ts'
import type { DecodeRecord, FrameRecord, NoticeRecord } from './records.ts'
import { TcpConnectionTracker, type Side, type TcpConnection } from './tcp-connections.ts'
import { decodeDatagram, DISCOVERY_PORTS, type BeaconIdentity } from './udp.ts'
import { guessConversationVersion, isVersionPlausible } from './version-guess.ts'

/** Options of {@link decodeCapture}. */
export interface DecodeCaptureOptions {
  /** The local key bytes (`--key`), for every connection. */
  readonly key?: Uint8Array
  /** Where `key` came from, for the connection headers. Default `--key`. */
  readonly keySource?: string
  /** 3.4/3.5: a session key for connections whose negotiation is not captured. */
  readonly sessionKey?: Uint8Array
  /** Force the version (`--version`). */
  readonly version?: ProtocolVersion
  /** A version from devices.json (`--device`): used when the frames do not contradict it. */
  readonly versionHint?: ProtocolVersion
  /** devices.json entries: keys by address, id or trial. */
  readonly devices?: readonly DeviceEntry[]
  /** The device's TCP port when the capture has no handshake and it is not 6668. */
  readonly devicePort?: number
  /** Include derived session keys in the records. */
  readonly showKeys?: boolean
  readonly maxFrameBytes?: number
}

/** Counts for the summary line. */
export interface DecodeStats {
  packets: number
  connections: number
  datagrams: number
  frames: number
  failedFrames: number
}

/** What {@link decodeCapture} returns. */
export interface CaptureDecodeResult {
  readonly format: 'pcap' | 'pcapng'
  /** Frames and notices, by capture time. */
  readonly records: DecodeRecord[]
  /** Set when the file is damaged after some packets (those are decoded). */
  readonly captureError?: CaptureFormatError
  readonly stats: DecodeStats
}

function resolveVersion(frames: readonly RawFrame[], hint: ProtocolVersion | undefined): { version?: ProtocolVersion; isGuessed: boolean; reason: string } {
  // A hint must fit the device's own frames: the client's first frames may be probes of every version.
  const deviceFrame = frames.find((f) => f.direction === 'fromDevice') ?? frames[0]
  if (hint !== undefined && (deviceFrame === undefined || isVersionPlausible(deviceFrame.bytes, hint))) return { version: hint, isGuessed: false, reason: 'from devices.json or a beacon' }
  const guess = guessConversationVersion(frames)
  if (guess === undefined) return { isGuessed: true, reason: 'unknown' }
  const whose = guess.from === 'device' ? "the device's frames" : guess.from === 'client' ? "the client's frames (no device frame)" : 'the frames'
  return { version: guess.version, isGuessed: true, reason: `guessed from ${whose}: ${guess.reason}` }
}

function decodeConnection(connection: TcpConnection, options: DecodeCaptureOptions, beaconsByIp: ReadonlyMap<string, BeaconIdentity>, stats: DecodeStats): DecodeRecord[] {
  const items = connectionItems(connection, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES)
  if (!items.some((i) => i.type === 'frame')) return []
  stats.connections++
  const known = new Set<string>([...(options.devices ?? []).flatMap((d) => (d.ip === undefined ? [] : [d.ip])), ...beaconsByIp.keys()])
  const device = deviceSideOf(connection, items, options.devicePort, known)
  const directionOf = (side: Side): Direction => (side === device.side ? 'fromDevice' : 'toDevice')
  const endpointOf = (side: Side): string => formatEndpoint(connection.endpoints[side])
  const deviceIp = connection.endpoints[device.side].address
  const frames: RawFrame[] = items.flatMap((i) => (i.type === 'frame' ? [{ bytes: i.bytes, direction: directionOf(i.side) }] : []))
  const key = chooseKey(frames, deviceIp, { ...(options.key === undefined ? {} : { key: options.key }), ...(options.keySource === undefined ? {} : { keySource: options.keySource }), devices: options.devices ?? [], beaconsByIp }, {
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes }),
  })
  const version = options.version !== undefined ? { version: options.version, isGuessed: false, reason: 'from --version' } : resolveVersion(frames, options.versionHint ?? key.versionHint)
  const decoder = new ConversationDecoder({
    ...(version.version === undefined ? {} : { version: version.version }),
    isVersionGuessed: version.isGuessed,
    ...(key.localKey === undefined ? {} : { localKey: key.localKey }),
    ...(options.sessionKey === undefined ? {} : { sessionKey: options.sessionKey }),
    ...(options.showKeys === undefined ? {} : { showKeys: options.showKeys }),
    ...(options.maxFrameBytes === undefined ? {} : { maxFrameBytes: options.maxFrameBytes }),
  })
  const label = `#${connection.id}`
  const client = endpointOf((1 - device.side) as Side)
  const firstTime = items[0]!.timeUs
  const header: NoticeRecord = {
    kind: 'notice',
    level: 'info',
    timeUs: Math.min(connection.firstTimeUs, firstTime),
    connection: label,
    message: `TCP ${client} → ${endpointOf(device.side)} (device: ${device.reason}); version ${version.version ?? '?'} (${version.reason}); key: ${key.source ?? 'none'}`,
  }
  const records: DecodeRecord[] = [header]
  // A version whose queries and replies travel in clear (3.1) is mostly readable without a key.
  const isClear = version.version !== undefined && VERSION_FACTS[version.version].sendsClearQueries
  if (key.localKey === undefined && !isClear) {
    records.push({ kind: 'notice', level: 'warning', timeUs: header.timeUs!, connection: label, message: `no key for device ${deviceIp}: pass --key KEY, or --devices FILE listing it` })
  }
  for (const item of items) records.push(...decodeItem(item, decoder, directionOf, endpointOf, label, stats))
  return records
}

function decodeItem(item: ConnectionItem, decoder: ConversationDecoder, directionOf: (s: Side) => Direction, endpointOf: (s: Side) => string, label: string, stats: DecodeStats): DecodeRecord[] {
  if (item.type === 'notice') {
    return [{ kind: 'notice', level: item.level, timeUs: item.timeUs, connection: label, message: `${endpointOf(item.side)}: ${item.message}` }]
  }
  const { frame, notices } = decoder.decode(item.bytes, directionOf(item.side))
  Object.assign(frame, { timeUs: item.timeUs, connection: label, transport: 'tcp', src: endpointOf(item.side), dst: endpointOf((1 - item.side) as Side) })
  stats.frames++
  if (frame.error !== undefined) stats.failedFrames++
  return [frame, ...notices.map((n) => ({ ...n, timeUs: item.timeUs, connection: label }))]
}

/**
 * Decodes every Tuya frame in a capture file.
 * @param bytes - a pcap or pcapng file
 * @param options - key, version, devices, devicePort, showKeys
 * @returns records by capture time, stats, and the capture error if the file is damaged
 * @throws CaptureFormatError when the file is not a capture at all
 */
export function decodeCapture(bytes: Uint8Array, options: DecodeCaptureOptions = {}): CaptureDecodeResult {
  const capture = readCapture(bytes)
  const stats: DecodeStats = { packets: capture.packets.length, connections: 0, datagrams: 0, frames: 0, failedFrames: 0 }
  const tracker = new TcpConnectionTracker()
  const records: DecodeRecord[] = []
  const beaconsByIp = new Map<string, BeaconIdentity>()
  for (const packet of capture.packets) {
    const parsed = parsePacket(packet.linkType, packet.data)
    if (parsed === undefined) continue
    if (parsed.kind === 'tcp') {
      tracker.add(parsed, packet.timeUs)
      continue
    }
    if (!DISCOVERY_PORTS.has(parsed.dst.port) && !DISCOVERY_PORTS.has(parsed.src.port)) continue
    if (parsed.payload.length === 0) continue
    const { frame, beacon } = decodeDatagram(parsed.payload, parsed.src)
    const record: FrameRecord = Object.assign(frame, { timeUs: packet.timeUs, connection: 'udp', src: formatEndpoint(parsed.src), dst: formatEndpoint(parsed.dst) })
    if (parsed.payload.length < parsed.payloadLength && record.error !== undefined) {
      record.error = { code: record.error.code, message: `${record.error.message} (the datagram was cut by the capture's snap length)` }
    }
    stats.datagrams++
    stats.frames++
    if (record.error !== undefined) stats.failedFrames++
    records.push(record)
    if (beacon !== undefined) beaconsByIp.set(beacon.ip ?? parsed.src.address, beacon)
  }
  for (const connection of tracker.finish()) records.push(...decodeConnection(connection, options, beaconsByIp, stats))
  const ordered = records.map((r, i) => ({ r, i })).sort((x, y) => (x.r.timeUs ?? 0) - (y.r.timeUs ?? 0) || x.i - y.i).map((x) => x.r)
  return { format: capture.format, records: ordered, stats, ...(capture.error === undefined ? {} : { captureError: capture.error }) }
}
