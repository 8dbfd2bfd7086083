/**
 * The sans-I/O beacon decoder (PROTOCOL.md §14.3): one datagram and its source address in, a
 * {@link Beacon} or a typed "ignored" reason out. Never throws for bad bytes.
 */
import { CMD, decodeFrame, FrameError, NotJsonError, readU32, UDP_FRAMES, UDP_KEY, type DecodedFrame } from '@tuya/codec'
import { aesEcbDecrypt, assertBytes, DecryptError } from '@tuya/crypto'
import { beaconFromJson, opensObject, parseBeaconJson, stripTrailingNuls, type BeaconFrameInfo } from './beacon-json.ts'
import { DEFAULT_MAX_DATAGRAM_BYTES } from './constants.ts'
import { optionError } from './option-error.ts'
import type { BeaconDecodeResult, DatagramSource, IgnoredDatagram } from './types.ts'

/** Options of {@link decodeBeacon}. */
export interface DecodeBeaconOptions {
  /** Larger datagrams are ignored as `oversized`. Default {@link DEFAULT_MAX_DATAGRAM_BYTES}. */
  maxDatagramBytes?: number
}

const PREFIX_55AA = 0x000055aa
const PREFIX_6699 = 0x00006699
const BLOCK = 16

function ignored(reason: IgnoredDatagram['reason'], message: string, error?: Error): IgnoredDatagram {
  return error === undefined ? { type: 'ignored', reason, message } : { type: 'ignored', reason, message, error }
}

/** Maps a codec or crypto error to an ignored reason; anything else is a bug and is rethrown. */
function fromError(error: unknown): IgnoredDatagram {
  if (error instanceof NotJsonError) return ignored('not-json', error.message, error)
  if (error instanceof DecryptError) return ignored('decrypt-failed', `the udpkey does not open it: ${error.message}`, error)
  if (error instanceof FrameError) return ignored('bad-frame', error.message, error)
  throw error
}

function prefixOf(bytes: Uint8Array): number {
  return bytes.length < 4 ? -1 : readU32(bytes, 0)
}

function finish(plain: Uint8Array, frame: BeaconFrameInfo, source: DatagramSource): BeaconDecodeResult {
  const parsed = parseBeaconJson(plain)
  return parsed.type === 'json' ? beaconFromJson(parsed.json, frame, source) : parsed
}

/**
 * 55AA (3.1-3.4): CRC-checked, clear retcode 0, then plaintext JSON (3.1, port 6666) or
 * AES-ECB(udpkey, JSON) (3.2-3.4, port 6667). The codec's 3.1 rule decodes both shapes
 * without a key; only when the body is not JSON is it AES-ECB-decrypted here.
 */
function decode55aa(bytes: Uint8Array, maxFrameBytes: number, source: DatagramSource): BeaconDecodeResult {
  let frame: DecodedFrame
  try {
    frame = decodeFrame(bytes, { version: UDP_FRAMES['55aa-plain'].version, key: UDP_KEY, direction: 'fromDevice', maxFrameBytes })
  } catch (error) {
    // A ciphertext that happens to start with "3.1" or "{" trips the plaintext beacon's (3.1)
    // payload rule after the CRC passed; ECB beacons are deterministic, so such a device would
    // never be seen. Retry with the ECB beacon's rule, which AES-ECB-decrypts the body.
    if (!(error instanceof DecryptError || error instanceof NotJsonError)) return fromError(error)
    try {
      frame = decodeFrame(bytes, { version: UDP_FRAMES['55aa-ecb'].version, key: UDP_KEY, direction: 'fromDevice', maxFrameBytes })
    } catch (retryError) {
      return fromError(retryError)
    }
    return finish(frame.payload, { framing: '55aa-ecb', cmd: frame.cmd, retcode: frame.retcode }, source)
  }
  const info = { cmd: frame.cmd, retcode: frame.retcode }
  const body = frame.payload
  if (opensObject(body)) {
    const plain = finish(body, { framing: '55aa-plain', ...info }, source)
    // A '{' that starts a ciphertext (1 in 256 ECB beacons) is not JSON: try the key.
    if (plain.type === 'beacon' || plain.reason !== 'not-json' || body.length % BLOCK !== 0) return plain
  }
  let plain: Uint8Array
  try {
    plain = aesEcbDecrypt(UDP_KEY, body)
  } catch (error) {
    return fromError(error)
  }
  return finish(plain, { framing: '55aa-ecb', ...info }, source)
}

/**
 * 6699 (3.5 beacons on 6667, solicitation answers on 7000): GCM with the udpkey. The retcode
 * inside the plaintext is removed only when the plaintext does not start with `{` and its
 * fifth byte does (the reference decoder's rule): solicitations carry none.
 */
function decode6699(bytes: Uint8Array, maxFrameBytes: number, source: DatagramSource): BeaconDecodeResult {
  let frame: DecodedFrame
  try {
    // Decoded as a client frame: solicitations have no retcode, answers carry it in the plaintext.
    frame = decodeFrame(bytes, { version: UDP_FRAMES['6699-gcm'].version, key: UDP_KEY, direction: 'toDevice', maxFrameBytes })
  } catch (error) {
    return fromError(error)
  }
  let plain = frame.payload
  let retcode: number | undefined
  if (!opensObject(plain) && plain.length > 4 && opensObject(plain, 4)) {
    retcode = readU32(plain, 0)
    plain = plain.subarray(4)
  }
  const result = finish(plain, { framing: '6699-gcm', cmd: frame.cmd, retcode }, source)
  if (frame.cmd === CMD.REQ_DEVINFO && result.type === 'beacon') {
    return ignored('solicitation', 'a REQ_DEVINFO (cmd 37) request, not an answer')
  }
  return result
}

/** An unframed AES-ECB(udpkey) blob, tolerated by the reference decoder (§14.3, rare). */
function decodeRaw(bytes: Uint8Array, source: DatagramSource): BeaconDecodeResult {
  const foreign = ignored('foreign', 'neither a 55AA/6699 frame nor an AES-ECB(udpkey) beacon')
  if (bytes.length % BLOCK !== 0) return foreign
  let plain: Uint8Array
  try {
    plain = aesEcbDecrypt(UDP_KEY, bytes)
  } catch (error) {
    if (error instanceof DecryptError) return foreign
    throw error
  }
  if (!opensObject(stripTrailingNuls(plain))) return foreign
  return finish(plain, { framing: 'raw-ecb', cmd: undefined, retcode: undefined }, source)
}

/**
 * Decodes one discovery datagram: 55AA plaintext (3.1), 55AA with an AES-ECB body (3.2-3.4),
 * 6699 AES-GCM (3.5 beacons and solicitation answers) or a raw AES-ECB blob, all under the
 * public udpkey. Other scanners' solicitations and anything undecodable come back as
 * `{ type: 'ignored', reason }`.
 *
 * @param bytes - one UDP datagram, exactly as received
 * @param source - the packet's source address and port
 * @param options - maxDatagramBytes
 * @returns `{ type: 'beacon', beacon }` or `{ type: 'ignored', reason, message }`
 * @throws TypeError when `bytes` is not a Uint8Array or `source` has no address
 * @throws RangeError with `option: 'maxDatagramBytes'` when that is not a positive integer
 * @example
 * const result = decodeBeacon(datagram, { address: '192.168.1.50', port: 6667 })
 * if (result.type === 'beacon') console.log(result.beacon.id, result.beacon.ip, result.beacon.version)
 */
export function decodeBeacon(bytes: Uint8Array, source: DatagramSource, options: DecodeBeaconOptions = {}): BeaconDecodeResult {
  assertBytes(bytes, 'bytes')
  if (typeof source !== 'object' || source === null || typeof source.address !== 'string') {
    throw new TypeError('source must be { address: string, port: number }, the datagram\'s sender')
  }
  const maxBytes = options.maxDatagramBytes ?? DEFAULT_MAX_DATAGRAM_BYTES
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw optionError(RangeError, 'maxDatagramBytes', `options.maxDatagramBytes must be a positive integer, got ${String(maxBytes)}`)
  if (bytes.length === 0) return ignored('empty', 'an empty datagram')
  if (bytes.length > maxBytes) return ignored('oversized', `${bytes.length} bytes exceed maxDatagramBytes ${maxBytes}`)
  const prefix = prefixOf(bytes)
  if (prefix === PREFIX_55AA) return decode55aa(bytes, maxBytes, source)
  if (prefix === PREFIX_6699) return decode6699(bytes, maxBytes, source)
  return decodeRaw(bytes, source)
}
