/**
 * A passive follower of one connection's negotiation, for captured traffic (`tuya decode`,
 * a sniffer, a test harness): it sees the frames of both directions, holds the local key,
 * and never sends anything or draws randomness. START and RESP give it both nonces, from
 * which it derives the session key exactly as the two ends do (PROTOCOL.md §7); it checks
 * both HMAC proofs, and opens every later frame with the session key.
 */
import { CMD, decodeFrame, FrameError, readFrameHeader, toKeyBytes, VERSION_FACTS } from '@tuya/codec'
import type { DecodedFrame, Direction, FrameHeader, KeyInput, ProtocolVersion } from '@tuya/codec'
import { assertBytes, createKeyring, DecryptError, nobleBackend } from '@tuya/crypto'
import type { CryptoBackend, Keyring } from '@tuya/crypto'
import { isHandshakeCommand } from './commands.ts'
import { AUTO_PROBE, AUTO_PROBE_LAST_SEQ, isRequestOf, recogniseAutoProbe } from './follower-probe.ts'
import { isProofOf, readFinishPayload, readRespPayload, readStartPayload } from './handshake-payloads.ts'
import { handshakeRules, NONCE_BYTES } from './protocols.ts'
import type { HandshakeRules } from './protocols.ts'

/** Input of {@link createFollower}. */
export interface FollowerOptions {
  /** The connection's protocol version, `'3.1'` to `'3.5'` (only 3.4 and 3.5 negotiate). */
  version: ProtocolVersion
  /**
   * The device's local key: 16 ASCII characters or 16 bytes. Without it the follower opens
   * only what needs no key (3.1 clear frames, acknowledgements) and follows no negotiation.
   */
  localKey?: KeyInput
  /** 3.4/3.5: a session key to open data frames with until a negotiation is seen (16 bytes). */
  sessionKey?: Uint8Array
  /** What runs AES and HMAC; default `nobleBackend`. */
  cryptoBackend?: CryptoBackend
  /** Passed to `decodeFrame`: frames larger than this do not decode. */
  maxFrameBytes?: number
}

/** Which key a frame was opened (or tried) with. */
export type FollowerKey = 'local' | 'session'

/**
 * What one negotiation frame told. A field is absent when the frame could not tell it; when
 * the negotiation could not advance, `problem` says why.
 */
export interface NegotiationObservation {
  readonly step: 'start' | 'resp' | 'finish'
  /** START: its nonce. RESP: the nonce of the START it answers. */
  readonly clientNonce?: Uint8Array
  /** RESP: its nonce. FINISH: the nonce of the RESP it answers. */
  readonly deviceNonce?: Uint8Array
  /**
   * RESP: whether it carries HMAC(LK, client nonce); FINISH: HMAC(LK, device nonce). False
   * means the sender holds another local key than the follower and the receiver.
   */
  readonly isProofOk?: boolean
  /** RESP: the session key derived from both nonces; later data frames are opened with it. */
  readonly sessionKey?: Uint8Array
  /**
   * `short-payload`: fewer bytes than the step carries (START 16, RESP 48, FINISH 32);
   * `no-start`: RESP without a START seen (no key can be derived); `no-resp`: FINISH
   * without a RESP seen (no proof to check).
   */
  readonly problem?: 'short-payload' | 'no-start' | 'no-resp'
}

/** What the follower made of one frame. */
export interface FollowerStep {
  /** The frame, decoded; absent when it did not decode (then `error` says why). */
  readonly decoded?: DecodedFrame
  /**
   * Why the frame did not decode: the codec's `FrameError` or `DecryptError` (wrong key,
   * damage), or its `TypeError` when the frame needs a key the follower does not have.
   */
  readonly error?: Error
  /** The key the frame was opened or tried with: the handshake frames always use the local key. */
  readonly key: FollowerKey
  /** Set for START, RESP and FINISH of a 3.4/3.5 connection that decoded. */
  readonly negotiation?: NegotiationObservation
  /**
   * The frame is the `version: 'auto'` probe's frame of this other version (`decoded` is in
   * that version): not part of this connection's conversation, and its nonce is not followed.
   */
  readonly probe?: ProtocolVersion
}

/** A passive follower of one connection; see {@link createFollower}. */
export interface Follower {
  readonly version: ProtocolVersion
  /** The key data frames are opened with now: derived from the traffic, or the one given. */
  readonly sessionKey: Uint8Array | undefined
  /** True once a session key was derived from a START and a RESP of this connection. */
  readonly hasNegotiated: boolean
  /**
   * Takes the next frame of the connection, in the order it was sent: decodes it under the
   * key due, follows the negotiation, and tells the auto probe's frames of other versions.
   * @param frame - one complete frame (as a `Deframer` yields it)
   * @param direction - who sent it
   * @throws TypeError for a frame that is not a Uint8Array or a bad direction
   */
  observe(frame: Uint8Array, direction: Direction): FollowerStep
  /**
   * Decodes a frame under the key due, as {@link Follower.observe} would, but changes
   * nothing: for trying both directions of a frame whose sender is unknown.
   * @throws TypeError for a frame that is not a Uint8Array or a bad direction
   */
  decode(frame: Uint8Array, direction: Direction): FollowerStep
}

/**
 * Who sends a handshake command: START and FINISH come from the client, RESP from the device.
 * @param cmd - a frame's cmd
 * @returns the direction, or undefined for any other command
 * @example handshakeSenderOf(4) // 'fromDevice'
 */
export function handshakeSenderOf(cmd: number): Direction | undefined {
  if (cmd === CMD.SESS_KEY_NEG_RESP) return 'fromDevice'
  return isHandshakeCommand(cmd) ? 'toDevice' : undefined
}

class ConnectionFollower implements Follower {
  readonly version: ProtocolVersion
  // Private fields, so that logging a follower never shows a key.
  readonly #rules: HandshakeRules | undefined
  readonly #localKey: Uint8Array | undefined
  readonly #keyring: Keyring
  readonly #maxFrameBytes: number | undefined
  #sessionKey: Uint8Array | undefined
  #hasNegotiated = false
  #clientNonce: Uint8Array | undefined
  #deviceNonce: Uint8Array | undefined
  #clientFrames = 0

  constructor(version: ProtocolVersion, rules: HandshakeRules | undefined, localKey: Uint8Array | undefined, sessionKey: Uint8Array | undefined, keyring: Keyring, maxFrameBytes: number | undefined) {
    this.version = version
    this.#rules = rules
    this.#localKey = localKey
    this.#sessionKey = sessionKey
    this.#keyring = keyring
    this.#maxFrameBytes = maxFrameBytes
  }

  get sessionKey(): Uint8Array | undefined {
    return this.#sessionKey
  }

  get hasNegotiated(): boolean {
    return this.#hasNegotiated
  }

  observe(frame: Uint8Array, direction: Direction): FollowerStep {
    const { header, step } = this.#open(frame, direction)
    if (header === undefined) return step
    const isEarlyClientFrame = direction === 'toDevice' && this.#clientFrames++ < AUTO_PROBE.length && header.seq <= AUTO_PROBE_LAST_SEQ
    if (isEarlyClientFrame && !this.#isOwnClientFrame(step.decoded)) {
      const probe = recogniseAutoProbe(frame, { version: this.version, localKey: this.#localKey, keyring: this.#keyring, ...this.#limits() })
      if (probe !== undefined) return { decoded: probe.decoded, key: 'local', probe: probe.version }
    }
    if (step.decoded === undefined || this.#rules === undefined || !isHandshakeCommand(header.cmd)) return step
    return { ...step, negotiation: this.#follow(step.decoded) }
  }

  decode(frame: Uint8Array, direction: Direction): FollowerStep {
    return this.#open(frame, direction).step
  }

  /** Reads the header and decodes under the key due; no state changes. */
  #open(frame: Uint8Array, direction: Direction): { header?: FrameHeader; step: FollowerStep } {
    assertBytes(frame, 'frame')
    if (direction !== 'toDevice' && direction !== 'fromDevice') throw new TypeError(`direction must be 'toDevice' or 'fromDevice', got ${String(direction)}`)
    let header: FrameHeader
    try {
      header = readFrameHeader(frame)
    } catch (error) {
      if (error instanceof FrameError) return { step: { error, key: 'local' } }
      throw error
    }
    const isSession = this.#rules !== undefined && !isHandshakeCommand(header.cmd) && this.#sessionKey !== undefined
    const key = isSession ? this.#sessionKey : this.#localKey
    const which: FollowerKey = isSession ? 'session' : 'local'
    try {
      const decoded = decodeFrame(frame, { version: this.version, ...(key === undefined ? {} : { key }), direction, keyring: this.#keyring, ...this.#limits() })
      return { header, step: { decoded, key: which } }
    } catch (error) {
      // Without a key the codec refuses a keyed frame with a TypeError naming the key: a
      // fact about this frame, not a bad call.
      const isMissingKey = key === undefined && error instanceof TypeError
      if (error instanceof FrameError || error instanceof DecryptError || isMissingKey) return { header, step: { error, key: which } }
      throw error
    }
  }

  #limits(): { maxFrameBytes?: number } {
    return this.#maxFrameBytes === undefined ? {} : { maxFrameBytes: this.#maxFrameBytes }
  }

  /**
   * Whether a client frame decoded in this version is what a client of this version sends
   * (a handshake frame, an acknowledgement, a request); else it may be another version's probe.
   */
  #isOwnClientFrame(decoded: DecodedFrame | undefined): boolean {
    if (decoded === undefined) return false
    const isHandshake = this.#rules !== undefined && isHandshakeCommand(decoded.cmd)
    return isHandshake || decoded.payload.length === 0 || isRequestOf(decoded, this.version)
  }

  #follow(decoded: DecodedFrame): NegotiationObservation {
    if (decoded.cmd === CMD.SESS_KEY_NEG_START) {
      const start = readStartPayload(decoded.payload)
      if (start === undefined) return { step: 'start', problem: 'short-payload' }
      // A new START opens a new negotiation: the previous RESP no longer counts.
      this.#clientNonce = start.clientNonce
      this.#deviceNonce = undefined
      return { step: 'start', clientNonce: start.clientNonce.slice() }
    }
    // Both decoded under the local key, so it is known here.
    const localCipher = this.#keyring.key(this.#localKey!)
    if (decoded.cmd === CMD.SESS_KEY_NEG_RESP) {
      const resp = readRespPayload(decoded.payload)
      if (resp === undefined) return { step: 'resp', problem: 'short-payload' }
      const deviceNonce = resp.deviceNonce
      this.#deviceNonce = deviceNonce
      const clientNonce = this.#clientNonce
      if (clientNonce === undefined) return { step: 'resp', deviceNonce: deviceNonce.slice(), problem: 'no-start' }
      const isProofOk = isProofOf(resp.proof, localCipher, clientNonce)
      // Derived even when the proof fails: the client then sends no FINISH, and the key
      // shows what the device would have used.
      const sessionKey = this.#rules!.deriveSessionKey(localCipher, clientNonce, deviceNonce)
      this.#sessionKey = sessionKey
      this.#hasNegotiated = true
      return { step: 'resp', clientNonce: clientNonce.slice(), deviceNonce: deviceNonce.slice(), isProofOk, sessionKey }
    }
    const deviceNonce = this.#deviceNonce
    if (deviceNonce === undefined) return { step: 'finish', problem: 'no-resp' }
    const finish = readFinishPayload(decoded.payload)
    if (finish === undefined) return { step: 'finish', deviceNonce: deviceNonce.slice(), isProofOk: false, problem: 'short-payload' }
    return { step: 'finish', deviceNonce: deviceNonce.slice(), isProofOk: isProofOf(finish.proof, localCipher, deviceNonce) }
  }
}

/**
 * Creates a passive follower of one connection (one TCP connection: a new connection is a
 * new negotiation and needs a new follower). Feed it every frame of both directions in the
 * order they were sent; it decodes each under the key due and follows the 3.4/3.5
 * negotiation (PROTOCOL.md §7) to the session key. It never sends, and needs no randomness.
 *
 * @param options - version, local key; optional session key, crypto backend, maxFrameBytes
 * @returns a follower that has seen no frame
 * @throws RangeError for an unknown version, a key that is not 16 characters/bytes, a
 *   session key for a version without a session (3.1-3.3), a bad maxFrameBytes; TypeError
 *   for a bad backend
 * @example
 * ```ts
 * const follower = createFollower({ version: '3.5', localKey: '4a5e1f0c9b2d7e38' })
 * for (const { bytes, direction } of capturedFrames) {
 *   const step = follower.observe(bytes, direction)
 *   if (step.negotiation?.sessionKey !== undefined) console.log('session key derived')
 *   if (step.decoded?.json !== undefined) console.log(step.decoded.json)
 * }
 * ```
 */
export function createFollower(options: FollowerOptions): Follower {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with version and localKey')
  const { version } = options
  if (typeof version !== 'string' || !Object.hasOwn(VERSION_FACTS, version)) {
    throw new RangeError(`options.version must be one of ${Object.keys(VERSION_FACTS).join(', ')}, got ${String(version)}`)
  }
  const rules = VERSION_FACTS[version].hasHandshake ? handshakeRules(version) : undefined
  const localKey = options.localKey === undefined ? undefined : toKeyBytes(options.localKey, 'localKey')
  let sessionKey: Uint8Array | undefined
  if (options.sessionKey !== undefined) {
    if (rules === undefined) throw new RangeError(`options.sessionKey is for 3.4/3.5: protocol ${version} has no session key`)
    assertBytes(options.sessionKey, 'sessionKey', NONCE_BYTES)
    sessionKey = options.sessionKey.slice()
  }
  const { maxFrameBytes } = options
  if (maxFrameBytes !== undefined && (!Number.isSafeInteger(maxFrameBytes) || maxFrameBytes < 1)) {
    throw new RangeError(`options.maxFrameBytes must be a positive integer, got ${String(maxFrameBytes)}`)
  }
  const backend = options.cryptoBackend ?? nobleBackend
  // The local key, the session key given and the one derived.
  const keyring = createKeyring({ backend, maxKeys: 3 })
  return new ConnectionFollower(version, rules, localKey, sessionKey, keyring, maxFrameBytes)
}
