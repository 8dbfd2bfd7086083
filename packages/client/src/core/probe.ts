/**
 * `version: 'auto'`: one connection, four frames, one round trip. A 3.1 DP_QUERY (plaintext),
 * a 3.3 DP_QUERY (AES-ECB), a 3.4 START and a 3.5 START go out back to back (418 bytes with
 * a 20-character id: under the 512-byte receive buffer of small devices, §15). Each version
 * answers only the frame it understands and drops the rest (§18.29; 3.4/3.5 firmware
 * tolerates three frames before the handshake, §7), and the answer tells the version:
 * a 6699 RESP is 3.5, a 55AA RESP (cmd 4) 3.4, a plaintext JSON reply 3.1, a clear
 * "data unvalid" 3.2, an AES-ECB reply 3.3 (or the version in its 15-byte header).
 * Seqs strictly increase in what each version accepts (§12): 1, 2, 3(+FINISH 4), 4(+FINISH 5).
 */
import { buildStatusRequest, decodeFrame, DecryptError, encodeFrame, isProtocolVersion, readFrameHeader, VERSION_FACTS, type DecodedFrame, type ProtocolVersion } from '@tuya/codec'
import type { Keyring, RandomSource } from '@tuya/crypto'
import { createSession, type Session } from '@tuya/session'
import { WrongKeyError } from '../errors.ts'
import { withRetcode } from './retcode.ts'
import { handshakeFailure } from './session-errors.ts'

/** What the probe found. */
export interface ProbeResult {
  version: ProtocolVersion
  /** The key for later frames: the session key (3.4/3.5) or the local key. */
  key: Uint8Array
  /** The seq of the next frame this client sends on the connection. */
  nextSeq: number
  /** Frames to write now (the FINISH of a handshake). */
  send: Uint8Array[]
  /** The decisive reply, when it carries data (a status reply, a device22 refusal). */
  frame?: DecodedFrame
  /** The device refused the normal query: it speaks device22 (§9). */
  isDevice22: boolean
}

/** Inputs of {@link VersionProbe}. */
export interface ProbeOptions {
  localKey: Uint8Array
  devId: string
  /** Unix seconds for the query payloads. */
  t: number
  random: RandomSource
  maxFrameBytes: number
  keyring: Keyring
}

const V34_FIRST_SEQ = 3
const V35_FIRST_SEQ = 4
/** How many frames the probe writes (seqs 1 to 4); the connection's commands start after them. */
export const PROBE_FRAMES = 4
const CMD_RESP = 4
/** The version whose devices refuse the normal query with a clear-text error (§9, §11). */
const CLEAR_REFUSAL_VERSION: ProtocolVersion = '3.2'

/** The version probe of one connection. */
export class VersionProbe {
  readonly #options: ProbeOptions
  readonly #s34: Session
  readonly #s35: Session

  /** @param options - key, device id, time, randomness */
  constructor(options: ProbeOptions) {
    this.#options = options
    const { localKey, random } = options
    const cryptoBackend = options.keyring.backend
    this.#s34 = createSession({ role: 'client', version: '3.4', localKey, random, firstSeq: V34_FIRST_SEQ, cryptoBackend })
    this.#s35 = createSession({ role: 'client', version: '3.5', localKey, random, firstSeq: V35_FIRST_SEQ, cryptoBackend })
  }

  /** The four probe frames, in the order to write them. */
  open(): Uint8Array[] {
    const { localKey: key, devId, t, keyring } = this.#options
    const p31 = encodeFrame({ version: '3.1', key, seq: 1, keyring, ...buildStatusRequest({ version: '3.1', devId, t }) })
    const p33 = encodeFrame({ version: '3.3', key, seq: 2, keyring, ...buildStatusRequest({ version: '3.3', devId, t }) })
    return [p31, p33, this.#s34.start().send[0]!, this.#s35.start().send[0]!]
  }

  /**
   * Looks at one device frame.
   * @returns the result once a frame decides, else undefined (the frame says nothing)
   * @throws WrongKeyError / WrongVersionError when an answer proves the key wrong
   */
  receive(frame: Uint8Array, deviceId: string): ProbeResult | undefined {
    const head = readFrameHeader(frame)
    if (head.format === '6699') return this.#handshake(this.#s35, '3.5', frame, deviceId)
    if (head.cmd === CMD_RESP) return this.#handshake(this.#s34, '3.4', frame, deviceId)
    return this.#reply(frame, deviceId)
  }

  #handshake(session: Session, version: '3.4' | '3.5', frame: Uint8Array, deviceId: string): ProbeResult | undefined {
    let send: Uint8Array[]
    try {
      send = session.receive(frame).send
    } catch (error) {
      throw handshakeFailure(error, version, deviceId)
    }
    const key = session.sessionKey
    if (key === undefined) return undefined
    return { version, key, nextSeq: session.nextSeq, send, isDevice22: false }
  }

  #reply(raw: Uint8Array, deviceId: string): ProbeResult | undefined {
    const { localKey: key, maxFrameBytes, keyring } = this.#options
    const frame = withRetcode(raw)
    const base = { key, nextSeq: PROBE_FRAMES + 1, send: [] }
    try {
      const d31 = decodeFrame(frame, { version: '3.1', key, maxFrameBytes, keyring })
      // Plaintext JSON (or the signed 3.1 form): only 3.1 devices answer that way.
      if (d31.json !== undefined) return { ...base, version: '3.1', frame: d31, isDevice22: false }
    } catch {
      return undefined // CRC mismatch or similar: not an answer to our probes
    }
    let d33: DecodedFrame
    try {
      d33 = decodeFrame(frame, { version: '3.3', key, maxFrameBytes, keyring })
    } catch (error) {
      if (error instanceof DecryptError) {
        throw new WrongKeyError('the device answered (3.2/3.3 framing) but its reply does not decrypt under this local key; check the key', { reason: 'undecryptable', cause: error, deviceId })
      }
      return undefined
    }
    const refused = d33.text !== undefined && d33.text.toLowerCase().includes('data unvalid')
    // 3.2 sends its error texts in clear; 3.3 device22 units encrypt them (§11).
    if (!d33.isEncrypted) return refused ? { ...base, version: CLEAR_REFUSAL_VERSION, isDevice22: true } : undefined
    const version = headerVersion(d33.header) ?? '3.3'
    return { ...base, version, frame: d33, isDevice22: refused || VERSION_FACTS[version].device22 === 'always' }
  }
}

/** The version named by a 15-byte version/source header (`"3.x"` …), if any. */
export function headerVersion(header: Uint8Array | undefined): ProtocolVersion | undefined {
  if (header === undefined || header.length < 3) return undefined
  const text = String.fromCharCode(header[0]!, header[1]!, header[2]!)
  return isProtocolVersion(text) ? text : undefined
}
