/**
 * From decrypted beacon bytes to a {@link Beacon}: trailing NULs, strict UTF-8, a JSON object
 * with a `gwId` (PROTOCOL.md §14.1, pitfall 20). Pure.
 */
import { isProtocolVersion, UDP_FRAMES, type ProtocolVersion } from '@tuya/codec'
import type { Beacon, BeaconDecodeResult, BeaconFraming, DatagramSource, IgnoredDatagram } from './types.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const OPEN_BRACE = 0x7b

/** Whether `text` is a dotted-quad IPv4 address. */
export function isIPv4(text: unknown): text is string {
  return typeof text === 'string' && IPV4.test(text)
}

/** `bytes` without the NUL bytes some firmware (and the official app) append (§14.3). */
export function stripTrailingNuls(bytes: Uint8Array): Uint8Array {
  let end = bytes.length
  while (end > 0 && bytes[end - 1] === 0) end--
  return bytes.subarray(0, end)
}

/** Whether the bytes open a JSON object (`{` first). */
export function opensObject(bytes: Uint8Array, at = 0): boolean {
  return bytes[at] === OPEN_BRACE
}

/**
 * Parses beacon bytes (trailing NULs allowed) as a JSON object.
 * @returns `{ type: 'json', json }`, or an `ignored` result (`not-json`)
 */
export function parseBeaconJson(bytes: Uint8Array): { type: 'json'; json: Record<string, unknown> } | IgnoredDatagram {
  let value: unknown
  try {
    value = JSON.parse(utf8.decode(stripTrailingNuls(bytes)))
  } catch (cause) {
    return { type: 'ignored', reason: 'not-json', message: 'the payload is not valid UTF-8 JSON', error: cause as Error }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { type: 'ignored', reason: 'not-json', message: 'the payload is JSON but not an object' }
  }
  return { type: 'json', json: value as Record<string, unknown> }
}

/** The frame facts that come with a beacon's JSON. */
export interface BeaconFrameInfo {
  framing: BeaconFraming
  cmd: number | undefined
  retcode: number | undefined
}

function versionOf(value: unknown): ProtocolVersion | undefined {
  // Firmware sends a string ("3.3"); a number (3.3) is accepted too, as tinytuya does.
  const text = typeof value === 'number' ? value.toFixed(1) : value
  return isProtocolVersion(text) ? text : undefined
}

/**
 * Turns a beacon's JSON object into a {@link Beacon}, or says why it is not one.
 * @param json - the parsed payload
 * @param frame - framing, cmd and retcode of the datagram
 * @param source - the packet source
 */
export function beaconFromJson(json: Record<string, unknown>, frame: BeaconFrameInfo, source: DatagramSource): BeaconDecodeResult {
  // Other scanners (the official app, tinytuya) broadcast {"from":"app","ip":...} to 7000,
  // where we listen too; so do we (§14.2).
  if (json['from'] === 'app') return { type: 'ignored', reason: 'solicitation', message: 'a scanner\'s solicitation ({"from":"app"})' }
  const id = json['gwId']
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) {
    return { type: 'ignored', reason: 'not-a-beacon', message: 'JSON object without a usable gwId (device id)' }
  }
  const payloadIp = isIPv4(json['ip']) ? json['ip'] : undefined
  const productKey = json['productKey']
  const beacon: Beacon = {
    id,
    ip: payloadIp ?? source.address,
    payloadIp,
    source: { address: source.address, port: source.port },
    hasIpMismatch: payloadIp !== undefined && payloadIp !== source.address,
    version: versionOf(json['version']),
    productKey: typeof productKey === 'string' ? productKey : undefined,
    isEncrypted: frame.framing === 'raw-ecb' || UDP_FRAMES[frame.framing].isEncrypted,
    framing: frame.framing,
    cmd: frame.cmd,
    retcode: frame.retcode,
    json,
  }
  return { type: 'beacon', beacon }
}
