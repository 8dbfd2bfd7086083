/**
 * A client's `version: 'auto'`: one connection, one frame per version a device can be told
 * apart by, back to back, one round trip. The codec's table says which versions and in which
 * order (`VERSION_FACTS[v].probeSeq`): a clear 3.1 DP_QUERY, an AES-ECB 3.3 DP_QUERY, a 3.4
 * START and a 3.5 START (418 bytes with a 20-character id: under the 512-byte receive buffer
 * of small devices, §15). Each device answers only the frame it understands and drops the
 * rest (§18.29; 3.4/3.5 firmware tolerates three frames before the handshake, §7), and the
 * answer tells the version: a 6699 RESP is 3.5, a 55AA RESP (cmd 4) 3.4, a clear JSON reply
 * 3.1, a clear "data unvalid" 3.2, an AES-ECB reply 3.3 (or the version in its header).
 * Seqs strictly increase in what each version accepts (§12).
 */
import { buildStatusRequest, CMD, decodeFrame, DecryptError, encodeFrame, isProtocolVersion, PROTOCOL_VERSIONS, readFrameHeader, VERSION_FACTS, type DecodedFrame, type ProtocolVersion } from '@tuya/codec'
import type { Keyring, RandomSource } from '@tuya/crypto'
import { WrongLocalKeyError } from './errors.ts'
import { AUTO_PROBE } from './follower-probe.ts'
import { withRetcode } from './retcode.ts'
import { createSession } from './session.ts'
import type { HandshakeVersion, Session } from './types.ts'

/** The probed versions, in the order their frames go out (seq 1, 2, 3 ...). */
export const PROBE_VERSIONS: readonly ProtocolVersion[] = AUTO_PROBE.map((p) => p.version)
/** How many frames the probe writes; the connection's own frames are numbered after them. */
export const PROBE_FRAMES = PROBE_VERSIONS.length

const probedWith = (test: (v: ProtocolVersion) => boolean): ProtocolVersion => PROBE_VERSIONS.find(test)!
/** The probe's clear query: only a device of this version answers it in clear JSON. */
const CLEAR_QUERY_VERSION = probedWith((v) => VERSION_FACTS[v].sendsClearQueries)
/** The probe's encrypted query (AES-ECB + CRC): 3.2 and 3.3 devices answer it. */
const SEALED_QUERY_VERSION = probedWith((v) => VERSION_FACTS[v].integrity === 'crc' && !VERSION_FACTS[v].sendsClearQueries)
/** The version whose devices refuse the normal query with a clear-text error (§9, §11). */
const CLEAR_REFUSAL_VERSION = PROTOCOL_VERSIONS.find((v) => VERSION_FACTS[v].device22 === 'always')!

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

/** The version probe of one connection. */
export class VersionProbe {
  readonly #options: ProbeOptions
  /** The handshakes the probe started, by version. */
  readonly #sessions = new Map<ProtocolVersion, Session>()
  /** The version of the handshake whose frame failed, once one did. */
  failedVersion: ProtocolVersion | undefined

  /** @param options - key, device id, time, randomness */
  constructor(options: ProbeOptions) {
    this.#options = options
  }

  /**
   * The probe frames, in the order to write them.
   * @throws HandshakeError subclasses never (a fresh session starts cleanly)
   */
  open(): Uint8Array[] {
    const { localKey: key, devId, t, keyring, random } = this.#options
    return PROBE_VERSIONS.map((version) => {
      const seq = VERSION_FACTS[version].probeSeq!
      if (!VERSION_FACTS[version].hasHandshake) return encodeFrame({ version, key, seq, keyring, random, ...buildStatusRequest({ version, devId, t }) })
      const session = createSession({ role: 'client', version: version as HandshakeVersion, localKey: key, random, firstSeq: seq, cryptoBackend: keyring.backend })
      this.#sessions.set(version, session)
      return session.start().send[0]!
    })
  }

  /**
   * Looks at one device frame.
   * @returns the result once a frame decides, else undefined (the frame says nothing)
   * @throws HandshakeError subclasses when an answer proves the key or version wrong
   */
  receive(frame: Uint8Array): ProbeResult | undefined {
    const head = readFrameHeader(frame)
    const session = this.#sessionFor(head.format, head.cmd)
    if (session !== undefined) return this.#handshake(session, frame)
    return this.#reply(frame)
  }

  /** The handshake a frame belongs to: the only probed version of its format, or a RESP of a shared format. */
  #sessionFor(format: string, cmd: number): Session | undefined {
    const sameFormat = PROBE_VERSIONS.filter((v) => VERSION_FACTS[v].format === format)
    const handshake = sameFormat.find((v) => VERSION_FACTS[v].hasHandshake)
    if (handshake === undefined) return undefined
    return sameFormat.length === 1 || cmd === CMD.SESS_KEY_NEG_RESP ? this.#sessions.get(handshake) : undefined
  }

  #handshake(session: Session, frame: Uint8Array): ProbeResult | undefined {
    let send: Uint8Array[]
    try {
      send = session.receive(frame).send
    } catch (error) {
      this.failedVersion = session.version
      throw error
    }
    const key = session.sessionKey
    if (key === undefined) return undefined
    return { version: session.version, key, nextSeq: session.nextSeq, send, isDevice22: false }
  }

  #reply(raw: Uint8Array): ProbeResult | undefined {
    const { localKey: key, maxFrameBytes, keyring } = this.#options
    const frame = withRetcode(raw)
    const base = { key, nextSeq: PROBE_FRAMES + 1, send: [] }
    try {
      const clear = decodeFrame(frame, { version: CLEAR_QUERY_VERSION, key, maxFrameBytes, keyring })
      // Clear JSON (or the signed 3.1 form): only devices of the clear-query version answer that way.
      if (clear.json !== undefined) return { ...base, version: CLEAR_QUERY_VERSION, frame: clear, isDevice22: false }
    } catch {
      return undefined // CRC mismatch or similar: not an answer to our probes
    }
    let sealed: DecodedFrame
    try {
      sealed = decodeFrame(frame, { version: SEALED_QUERY_VERSION, key, maxFrameBytes, keyring })
    } catch (error) {
      if (error instanceof DecryptError) {
        throw new WrongLocalKeyError('the device answered (3.2/3.3 framing) but its reply does not decrypt under this local key; check the key', { cause: error, symptom: 'undecryptable' })
      }
      return undefined
    }
    const refused = sealed.text !== undefined && sealed.text.toLowerCase().includes('data unvalid')
    // 3.2 sends its error texts in clear; 3.3 device22 units encrypt them (§11).
    if (!sealed.isEncrypted) return refused ? { ...base, version: CLEAR_REFUSAL_VERSION, isDevice22: true } : undefined
    const version = headerVersion(sealed.header) ?? SEALED_QUERY_VERSION
    return { ...base, version, frame: sealed, isDevice22: refused || VERSION_FACTS[version].device22 === 'always' }
  }
}

/** The version named by a 15-byte version/source header (`"3.x"` …), if any. */
export function headerVersion(header: Uint8Array | undefined): ProtocolVersion | undefined {
  if (header === undefined || header.length < 3) return undefined
  const text = String.fromCharCode(header[0]!, header[1]!, header[2]!)
  return isProtocolVersion(text) ? text : undefined
}
