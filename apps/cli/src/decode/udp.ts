/**
 * UDP discovery datagrams on 6666/6667/7000 (PROTOCOL.md §14): 55AA plaintext (3.1), 55AA
 * with an AES-ECB(udpkey) body (3.2-3.4), 6699 AES-GCM(udpkey) (3.5 beacons, solicitation
 * answers, and the REQ_DEVINFO solicitation, which has no retcode), or a raw AES-ECB blob.
 */
import { CMD, commandName, decodeFrame, isProtocolVersion, NotJsonError, readFrameHeader, readU32, UDP_FRAMES, UDP_KEY, type ProtocolVersion } from '@tuya/codec'
import { aesEcbDecrypt } from '@tuya/crypto'
import { decodeBeacon } from '@tuya/discovery'
import { describeDecodeError } from './conversation.ts'
import type { FrameRecord } from './records.ts'

/** UDP ports whose datagrams are decoded as discovery traffic. */
export const DISCOVERY_PORTS: ReadonlySet<number> = new Set([6666, 6667, 7000])

/** What a beacon says about its device (used to find keys for TCP connections). */
export interface BeaconIdentity {
  readonly id: string
  readonly ip?: string
  readonly version?: ProtocolVersion
}

/** One decoded datagram. */
export interface DecodedDatagram {
  readonly frame: FrameRecord
  /** Set for device beacons and answers that carry `gwId`. */
  readonly beacon?: BeaconIdentity
}

function isObjectStart(b: Uint8Array, at = 0): boolean {
  return b.length > at && b[at] === 0x7b
}

function stripTrailingNuls(b: Uint8Array): Uint8Array {
  let end = b.length
  while (end > 0 && b[end - 1] === 0) end--
  return b.subarray(0, end)
}

function parseJson(bytes: Uint8Array): { text: string; json: unknown } {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(stripTrailingNuls(bytes))
  try {
    return { text, json: JSON.parse(text) }
  } catch (error) {
    throw new NotJsonError('beacon payload is not JSON', { cause: error })
  }
}

interface Opened {
  readonly seq?: number
  readonly cmd?: number
  readonly retcode?: number
  readonly isSolicitation: boolean
  readonly frameVersion?: ProtocolVersion
  readonly plain: Uint8Array
}

const PLAIN = UDP_FRAMES['55aa-plain'].version
const ECB = UDP_FRAMES['55aa-ecb'].version
const GCM = UDP_FRAMES['6699-gcm'].version

function open55aa(bytes: Uint8Array): Opened {
  // The plaintext beacon's rule leaves an ECB body as it is (no key needed).
  const frame = decodeFrame(bytes, { version: PLAIN, key: UDP_KEY, direction: 'fromDevice' })
  const base = { seq: frame.seq, cmd: frame.cmd, isSolicitation: false, ...(frame.retcode === undefined ? {} : { retcode: frame.retcode }) }
  if (isObjectStart(frame.payload)) {
    try {
      parseJson(frame.payload)
      return { ...base, frameVersion: PLAIN, plain: frame.payload }
    } catch {
      // a ciphertext that happens to start with '{': decrypt below
    }
  }
  return { ...base, frameVersion: ECB, plain: aesEcbDecrypt(UDP_KEY, frame.payload) }
}

function open6699(bytes: Uint8Array): Opened {
  const frame = decodeFrame(bytes, { version: GCM, key: UDP_KEY, direction: 'toDevice' })
  let plain = frame.payload
  let retcode: number | undefined
  // The retcode sits inside the plaintext of device datagrams; the solicitation has none.
  if (!isObjectStart(plain) && isObjectStart(plain, 4)) {
    retcode = readU32(plain, 0)
    plain = plain.subarray(4)
  }
  return { seq: frame.seq, cmd: frame.cmd, isSolicitation: frame.cmd === CMD.REQ_DEVINFO, frameVersion: GCM, plain, ...(retcode === undefined ? {} : { retcode }) }
}

/**
 * Decodes one discovery datagram. Never throws for bad bytes: the record carries the error.
 * The frame layers are shown as they are; the device identity comes from @tuya/discovery's
 * beacon decoder, so `tuya decode` and `tuya scan` agree on what a beacon says.
 * @param bytes - the UDP payload
 * @param source - the sender, when known (a beacon without a valid `ip` field is taken to be from it)
 * @returns the frame record (transport `udp`) and, for beacons, the device identity
 */
export function decodeDatagram(bytes: Uint8Array, source: { address: string; port: number } = { address: '0.0.0.0', port: 0 }): DecodedDatagram {
  const frame: FrameRecord = { kind: 'frame', transport: 'udp', byteLength: bytes.length, direction: 'fromDevice' }
  let opened: Opened
  try {
    const head = bytes.length >= 16 ? safeHeader(bytes) : undefined
    if (head !== undefined) {
      frame.seq = head.seq
      frame.cmd = head.cmd
      frame.cmdName = commandName(head.cmd)
      opened = head.format === '6699' ? open6699(bytes) : open55aa(bytes)
    } else {
      if (bytes.length === 0 || bytes.length % 16 !== 0) throw new NotJsonError('neither a 55AA/6699 frame nor an AES-ECB(udpkey) beacon')
      opened = { isSolicitation: false, plain: aesEcbDecrypt(UDP_KEY, bytes) }
    }
  } catch (error) {
    frame.error = describeDecodeError(error)
    return { frame }
  }
  if (opened.isSolicitation) frame.direction = 'toDevice'
  if (opened.retcode !== undefined) frame.retcode = opened.retcode
  if (opened.frameVersion !== undefined) frame.version = opened.frameVersion
  frame.isAck = opened.plain.length === 0
  let parsed: { text: string; json: unknown }
  try {
    parsed = parseJson(opened.plain)
  } catch (error) {
    frame.error = describeDecodeError(error instanceof NotJsonError ? error : new NotJsonError('beacon payload is not UTF-8 JSON', { cause: error }))
    return { frame }
  }
  frame.text = parsed.text
  frame.json = parsed.json
  const json = (typeof parsed.json === 'object' && parsed.json !== null ? parsed.json : {}) as Record<string, unknown>
  const version = typeof json['version'] === 'string' && isProtocolVersion(json['version']) ? json['version'] : undefined
  if (version !== undefined) frame.version = version
  if (opened.isSolicitation) return { frame }
  const result = decodeBeacon(bytes, source)
  if (result.type !== 'beacon') return { frame }
  const { id, ip } = result.beacon
  const beaconVersion = result.beacon.version
  return { frame, beacon: { id, ip, ...(beaconVersion === undefined ? {} : { version: beaconVersion }) } }
}

function safeHeader(bytes: Uint8Array): ReturnType<typeof readFrameHeader> | undefined {
  try {
    return readFrameHeader(bytes)
  } catch {
    return undefined
  }
}
