/**
 * One TCP connection of the Tuya LAN protocol as a pure state machine, for either end
 * (quinn-proto / h11 style). Bytes go in through `receive`; frames to write, frames received
 * and events come out as its return value; frames to send are built by `send`. Inside: the
 * deframer, the 3.4/3.5 negotiation (or the client's version probe), the key in use, the seq
 * counters (§12), and the rules both ends need to classify a frame. No sockets, no timers:
 * the caller passes the time in (`open`, `poll`).
 *
 * A frame's way through, client: `receive` -> deframer -> opening (handshake or probe) or
 * data (decode under the session key) -> `step.frames`. Device: the same, with the device
 * half of the negotiation and the firmware's rejection rules.
 */
import {
  CMD,
  decodeFrame,
  DEFAULT_MAX_FRAME_BYTES,
  Deframer,
  encodeFrame,
  FrameTooLargeError,
  BadPrefixError,
  BadSuffixError,
  MalformedLengthError,
  NotJsonError,
  readFrameHeader,
  toKeyBytes,
  TruncatedFrameError,
  VERSION_FACTS,
  type DecodedFrame,
  type FrameHeader,
  type ProtocolVersion,
} from '@tuya/codec'
import { createKeyring, DecryptError, defaultRandom, nobleBackend, type Keyring, type RandomSource } from '@tuya/crypto'
import { foreignVersion } from './diagnosis.ts'
import { HandshakeError, HandshakeTimeoutError, NotEstablishedError, WrongLocalKeyError, WrongVersionError } from './errors.ts'
import { PROBE_FRAMES, VersionProbe, type ProbeResult } from './probe.ts'
import { withRetcode } from './retcode.ts'
import { createSession, firstSeqOf } from './session.ts'
import type { ConnectionOptions, ConnectionState, ConnectionStep, HandshakeVersion, OutgoingFrame, ReceivedFrame, RejectReason, Session, SessionRole } from './types.ts'

/** Keys a connection of its own keyring may hold: local, session, and one a simulator's fault seals with. */
const OWN_KEYRING_KEYS = 3

/**
 * Creates the protocol state of one TCP connection.
 *
 * @param options - role, version (`'auto'` for a probing client), local key; see {@link ConnectionOptions}
 * @returns a client connection in state `opening` (call `open()`), or a device connection,
 *   `opening` until the client's handshake on 3.4/3.5 and `established` at once on 3.1-3.3
 * @throws TypeError / RangeError for bad options (named in the message)
 * @example
 * ```ts
 * const client = createConnection({ role: 'client', version: '3.5', localKey })
 * socket.write(client.open(Date.now(), Date.now() + 5000).send[0]!)  // START
 * socket.on('data', (bytes) => {
 *   const step = client.receive(bytes)
 *   for (const frame of step.send) socket.write(frame)                 // FINISH
 *   for (const frame of step.frames) if (frame.decoded) console.log(frame.decoded.json)
 * })
 * ```
 */
export function createConnection(options: ConnectionOptions): Connection {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with role, version and localKey')
  const { role, version } = options
  if (role !== 'client' && role !== 'device') throw new TypeError(`options.role must be 'client' or 'device', got ${String(role)}`)
  if (version === 'auto') {
    if (role !== 'client') throw new RangeError("version 'auto' is for clients: a device knows its own version")
    if (typeof options.devId !== 'string' || options.devId.length === 0) throw new TypeError("options.devId is required with version 'auto': the probe's status queries name the device")
  } else if (typeof version !== 'string' || !Object.hasOwn(VERSION_FACTS, version)) {
    throw new RangeError(`options.version must be one of ${Object.keys(VERSION_FACTS).join(', ')}${role === 'client' ? " or 'auto'" : ''}, got ${String(version)}`)
  }
  const random: RandomSource = options.random ?? defaultRandom
  if (typeof random !== 'function') throw new TypeError('options.random must be a function (length) => Uint8Array')
  const keyring = options.keyring ?? createKeyring({ backend: options.cryptoBackend ?? nobleBackend, maxKeys: OWN_KEYRING_KEYS })
  return new Connection({
    role,
    version: version === 'auto' ? undefined : version,
    localKey: toKeyBytes(options.localKey, 'localKey'),
    devId: options.devId ?? '',
    random,
    keyring,
    ownsKeyring: options.keyring === undefined,
    maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    // A 3.1-3.3 device echoes the request's seq: it has no counter to start.
    firstSeq: role === 'device' && VERSION_FACTS[version as ProtocolVersion].echoesSeq ? 0 : firstSeqOf(role, options.firstSeq, random),
    checkSeq: options.checkSeq === true,
  })
}

/** Validated options, as {@link createConnection} hands them over. */
interface ConnectionConfig {
  role: SessionRole
  version: ProtocolVersion | undefined
  localKey: Uint8Array
  devId: string
  random: RandomSource
  keyring: Keyring
  ownsKeyring: boolean
  maxFrameBytes: number
  firstSeq: number
  checkSeq: boolean
}

// The frame itself is broken (not a key or version matter): firmware loses the stream.
const MALFORMED = [BadPrefixError, BadSuffixError, MalformedLengthError, TruncatedFrameError, FrameTooLargeError]

function rejectionOf(error: unknown): RejectReason {
  return MALFORMED.some((kind) => error instanceof kind) ? 'malformed' : 'unauthenticated'
}

function emptyStep(): ConnectionStep {
  return { send: [], events: [], frames: [] }
}

/** The protocol state of one TCP connection; made by {@link createConnection}. */
export class Connection {
  readonly role: SessionRole
  // Private fields, so that logging a connection never shows a key.
  readonly #config: ConnectionConfig
  readonly #deframer: Deframer
  #version: ProtocolVersion | undefined
  #state: ConnectionState
  #key: Uint8Array
  #nextSeq: number
  /** The 3.4/3.5 negotiation while it runs. */
  #handshake: Session | undefined
  /** The client's version probe while it runs. */
  #probe: VersionProbe | undefined
  /**
   * After a probe on a version whose devices echo the request's seq (§12): answers to the other
   * probe frames may still come (a 3.1 device answers the 3.3 query with an error text, some
   * 3.3 firmware also answers the 3.1 query). They carry the probe's seqs and are dropped, so
   * that no later command takes one for its reply. Off once a frame answers a later seq.
   */
  #isDrainingProbe = false
  #isDevice22 = false
  #hasProvenKey = false
  #deadline = Infinity
  /** Device with checkSeq: the last client seq taken. */
  #lastPeerSeq: number | undefined
  /** The step being built by `receive` (the deframer reports discards into it). */
  #step: ConnectionStep | undefined

  /** @internal use {@link createConnection} */
  constructor(config: ConnectionConfig) {
    this.role = config.role
    this.#config = config
    this.#version = config.version
    this.#key = config.localKey
    this.#nextSeq = config.firstSeq
    const isDeviceWithoutHandshake = config.role === 'device' && !VERSION_FACTS[config.version!].hasHandshake
    this.#state = isDeviceWithoutHandshake ? 'established' : 'opening'
    this.#deframer = new Deframer({
      maxFrameBytes: config.maxFrameBytes,
      onDiscard: (info) => this.#step?.events.push({ type: 'discarded', bytes: info.bytes, error: info.error }),
    })
  }

  /** The protocol version: known from the start, or once a probing client is established. */
  get version(): ProtocolVersion | undefined {
    return this.#version
  }

  get state(): ConnectionState {
    return this.#state
  }

  /** Client: the device speaks the device22 dialect (the probe saw a refusal, §9); as configured otherwise. */
  get isDevice22(): boolean {
    return this.#isDevice22
  }

  /** The seq this side's next counted frame gets. */
  get nextSeq(): number {
    return this.#nextSeq
  }

  /** Bytes of an incomplete frame held back. */
  get bufferedBytes(): number {
    return this.#deframer.bufferedBytes
  }

  /** Whether the key is proven on this connection: a handshake, or a non-empty payload that decrypted. */
  get hasProvenKey(): boolean {
    return this.#hasProvenKey
  }

  /**
   * Client: starts the connection. Returns START (3.4/3.5), the probe frames (`'auto'`), or
   * nothing and the `established` event (3.1-3.3).
   * @param nowMs - the time (the probe's queries carry it in Unix seconds)
   * @param deadlineMs - when `poll` fails an opening that has not settled; default never
   * @throws TypeError on a device connection or when called twice
   */
  open(nowMs: number, deadlineMs = Infinity): ConnectionStep {
    if (this.role !== 'client') throw new TypeError('open() is for client connections: a device connection answers in receive()')
    if (this.#handshake !== undefined || this.#probe !== undefined || this.#state !== 'opening') throw new TypeError('open() was called twice: one opening per connection')
    this.#deadline = deadlineMs
    const step = emptyStep()
    const { localKey, devId, random, keyring, maxFrameBytes } = this.#config
    const version = this.#version
    if (version === undefined) {
      this.#probe = new VersionProbe({ localKey, devId, t: Math.floor(nowMs / 1000), random, maxFrameBytes, keyring })
      step.send.push(...this.#probe.open())
      this.#nextSeq = PROBE_FRAMES + 1
    } else if (VERSION_FACTS[version].hasHandshake) {
      this.#handshake = this.#newHandshake(version)
      step.send.push(...this.#handshake.start().send)
      this.#nextSeq = this.#handshake.nextSeq
    } else {
      this.#establish(step, false)
    }
    return step
  }

  /**
   * Handles bytes read from the socket.
   * @param bytes - any chunk of the stream (a Node Buffer is fine: frames are copied out)
   * @returns frames to write, events, and the frames received, in that order of handling
   */
  receive(bytes: Uint8Array): ConnectionStep {
    const step = emptyStep()
    if (this.#isOver()) return step
    this.#step = step
    try {
      for (const raw of this.#deframer.push(bytes)) {
        if (this.#isOver()) break
        this.#receiveFrame(raw, step)
      }
    } finally {
      this.#step = undefined
    }
    return step
  }

  /**
   * Checks the deadline given to `open()`.
   * @param nowMs - the time
   * @returns a `failed` event (HandshakeTimeoutError) once the deadline has passed while opening
   */
  poll(nowMs: number): ConnectionStep {
    const step = emptyStep()
    if (this.#state !== 'opening' || nowMs < this.#deadline) return step
    const stage = this.#probe !== undefined ? 'probe' : 'handshake'
    const what = stage === 'probe' ? "version: 'auto' got no answer to any of its frames" : `the device did not answer the ${this.#version} handshake`
    this.#fail(new HandshakeTimeoutError(`${what} before the deadline: devices drop frames they cannot authenticate (PROTOCOL.md §18.29), so the local key or the version is probably wrong`, { stage }), step)
    return step
  }

  /** When `poll` needs to run, or Infinity. */
  get deadline(): number {
    return this.#state === 'opening' ? this.#deadline : Infinity
  }

  /**
   * Encodes a frame to send with this side's key and seq: a client's next seq; a device's own
   * counter (3.4/3.5) or the echoed request seq (3.1-3.3, `replyTo`; 0 for pushes).
   * @param frame - cmd, payload and the options of `encodeFrame`
   * @returns the frame bytes
   * @throws NotEstablishedError before the connection is established; codec errors for a bad payload
   */
  send(frame: OutgoingFrame): Uint8Array {
    if (this.#state !== 'established') {
      throw new NotEstablishedError(`cannot send on a connection that is ${this.#state}: wait for its 'established' event (a device: for the client's handshake)`)
    }
    const version = this.#version!
    const { random, keyring } = this.#config
    const isClient = this.role === 'client'
    let seq: number
    if (isClient || !VERSION_FACTS[version].echoesSeq) {
      seq = this.#nextSeq
      this.#nextSeq = (seq + 1) >>> 0
    } else seq = frame.replyTo ?? 0
    return encodeFrame({
      version,
      key: frame.key ?? this.#key,
      direction: isClient ? 'toDevice' : 'fromDevice',
      seq,
      cmd: frame.cmd,
      payload: frame.payload,
      ...(isClient ? {} : { retcode: frame.retcode ?? 0 }),
      header: frame.header,
      encrypt: frame.encrypt,
      random,
      keyring,
    })
  }

  /**
   * Client: what a frame that failed (its checks, decryption, or its payload) says about the
   * configuration, while the key is not proven on this connection: a frame of another version
   * (WrongVersionError with `seenVersion`), or on 3.1-3.3 a reply that does not decrypt
   * (WrongLocalKeyError, symptom `undecryptable`).
   * @param raw - the frame as received
   * @param error - why it failed
   * @returns the diagnosis, or undefined (a damaged frame: drop it)
   */
  diagnose(raw: Uint8Array, error: Error): HandshakeError | undefined {
    const version = this.#version
    if (this.role !== 'client' || this.#hasProvenKey || version === undefined) return undefined
    const { localKey, maxFrameBytes } = this.#config
    const seen = foreignVersion(raw, version, localKey, maxFrameBytes)
    if (seen !== undefined) {
      return new WrongVersionError(`the device answered in protocol ${seen}, not ${version}: set version '${seen}' (or 'auto')`, { seenVersion: seen, cause: error })
    }
    const isKeySymptom = error instanceof DecryptError || error instanceof NotJsonError
    if (isKeySymptom && !VERSION_FACTS[version].hasHandshake) {
      return new WrongLocalKeyError(`replies from the device do not decrypt under this local key (${version}): the key (or the version) is wrong; check it`, { symptom: 'undecryptable', cause: error })
    }
    return undefined
  }

  /** Stops all processing and wipes the keys this connection imported (its session key; its own keyring). */
  close(): void {
    if (this.#state === 'closed') return
    this.#state = 'closed'
    const { keyring, ownsKeyring, localKey } = this.#config
    if (ownsKeyring) keyring.clear()
    if (this.#key !== localKey) {
      if (!ownsKeyring) keyring.delete(this.#key)
      this.#key.fill(0)
    }
  }

  #receiveFrame(raw: Uint8Array, step: ConnectionStep): void {
    let header: FrameHeader
    try {
      header = readFrameHeader(raw)
    } catch (error) {
      step.frames.push({ raw, cmd: -1, seq: -1, rejected: 'malformed', error: error as Error })
      return
    }
    if (this.role === 'device') this.#deviceFrame(raw, header, step)
    else if (this.#state === 'opening') this.#clientOpening(raw, header, step)
    else this.#clientData(raw, header, step)
  }

  // ---- client ----

  #clientOpening(raw: Uint8Array, header: FrameHeader, step: ConnectionStep): void {
    try {
      if (this.#probe !== undefined) {
        const result = this.#probe.receive(raw)
        if (result !== undefined) this.#adopt(result, raw, header, step)
        return
      }
      const handshake = this.#handshake!
      step.send.push(...handshake.receive(raw).send)
      this.#advanceHandshake(handshake, step)
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error
      this.#fail(error, step, this.#probe?.failedVersion ?? this.#version)
    }
  }

  #adopt(result: ProbeResult, raw: Uint8Array, header: FrameHeader, step: ConnectionStep): void {
    this.#probe = undefined
    const facts = VERSION_FACTS[result.version]
    this.#version = result.version
    this.#key = result.key
    this.#nextSeq = result.nextSeq
    this.#isDevice22 = result.isDevice22
    this.#isDrainingProbe = facts.echoesSeq
    if (facts.hasHandshake || result.frame?.isEncrypted === true) this.#hasProvenKey = true
    step.send.push(...result.send)
    this.#establish(step, true)
    if (result.frame !== undefined) step.frames.push({ raw, format: header.format, cmd: header.cmd, seq: header.seq, decoded: result.frame, isProbeAnswer: true })
  }

  #clientData(raw: Uint8Array, header: FrameHeader, step: ConnectionStep): void {
    if (this.#isDrainingProbe && header.seq !== 0) {
      if (header.seq <= PROBE_FRAMES) {
        step.events.push({ type: 'probe-leftover', seq: header.seq })
        return
      }
      this.#isDrainingProbe = false
    }
    const version = this.#version!
    let decoded: DecodedFrame
    try {
      const bytes = VERSION_FACTS[version].integrity === 'crc' ? withRetcode(raw) : raw
      decoded = decodeFrame(bytes, { version, key: this.#key, maxFrameBytes: this.#config.maxFrameBytes, keyring: this.#config.keyring })
    } catch (error) {
      step.frames.push({ raw, format: header.format, cmd: header.cmd, seq: header.seq, rejected: rejectionOf(error), error: error as Error })
      return
    }
    if (decoded.payload.length > 0 && decoded.isEncrypted) this.#hasProvenKey = true
    step.frames.push({ raw, format: header.format, cmd: header.cmd, seq: header.seq, decoded })
  }

  // ---- device ----

  #deviceFrame(raw: Uint8Array, header: FrameHeader, step: ConnectionStep): void {
    const version = this.#version!
    const facts = VERSION_FACTS[version]
    // A frame of another format cannot be authenticated: firmware stays silent (§18.29).
    if (header.format !== facts.format) return this.#reject(raw, header, step, 'foreign-format')
    if (this.#state === 'opening') return this.#deviceHandshake(raw, header, step, version as HandshakeVersion)
    // One negotiation per connection: official firmware closes on a second START (§7, §18.10).
    if (facts.hasHandshake && header.cmd === CMD.SESS_KEY_NEG_START) return this.#reject(raw, header, step, 'repeated-start')
    let decoded: DecodedFrame
    try {
      decoded = decodeFrame(raw, { version, key: this.#key, direction: 'toDevice', maxFrameBytes: this.#config.maxFrameBytes, keyring: this.#config.keyring })
    } catch (error) {
      return this.#reject(raw, header, step, rejectionOf(error), error as Error)
    }
    if (!this.#seqIncreases(header.seq)) return this.#reject(raw, header, step, 'stale-seq', undefined, decoded)
    step.frames.push({ raw, format: header.format, cmd: header.cmd, seq: header.seq, decoded })
  }

  #deviceHandshake(raw: Uint8Array, header: FrameHeader, step: ConnectionStep, version: HandshakeVersion): void {
    const isStart = header.cmd === CMD.SESS_KEY_NEG_START
    if (isStart && this.#handshake !== undefined) return this.#reject(raw, header, step, 'repeated-start')
    const isStep = isStart || (header.cmd === CMD.SESS_KEY_NEG_FINISH && this.#handshake !== undefined)
    if (!isStep) return this.#reject(raw, header, step, 'before-handshake')
    // A handshake frame that does not verify is dropped like any other (§18.29), not a failed negotiation.
    const { localKey, keyring, maxFrameBytes } = this.#config
    let decoded: DecodedFrame
    try {
      decoded = decodeFrame(raw, { version, key: localKey, direction: 'toDevice', maxFrameBytes, keyring })
    } catch (error) {
      return this.#reject(raw, header, step, rejectionOf(error), error as Error)
    }
    if (!this.#seqIncreases(header.seq)) return this.#reject(raw, header, step, 'stale-seq', undefined, decoded)
    const handshake = (this.#handshake ??= this.#newHandshake(version))
    let answer: Uint8Array[]
    try {
      answer = handshake.receive(raw).send
    } catch (error) {
      if (!(error instanceof HandshakeError)) throw error
      this.#fail(error, step)
      return this.#reject(raw, header, step, 'handshake-failed', error, decoded)
    }
    step.send.push(...answer)
    step.frames.push({ raw, format: header.format, cmd: header.cmd, seq: header.seq, decoded, isHandshake: true, answer })
    this.#advanceHandshake(handshake, step)
  }

  /** §12: whether a client seq is greater than the last one taken (always, without checkSeq). */
  #seqIncreases(seq: number): boolean {
    if (!this.#config.checkSeq) return true
    const last = this.#lastPeerSeq
    if (last !== undefined && seq <= last) return false
    this.#lastPeerSeq = seq
    return true
  }

  #reject(raw: Uint8Array, header: FrameHeader, step: ConnectionStep, rejected: RejectReason, error?: Error, decoded?: DecodedFrame): void {
    const frame: ReceivedFrame = { raw, format: header.format, cmd: header.cmd, seq: header.seq, rejected, ...(error === undefined ? {} : { error }), ...(decoded === undefined ? {} : { decoded }) }
    step.frames.push(frame)
  }

  // ---- both ----

  /** Failed or closed: later input is ignored. */
  #isOver(): boolean {
    return this.#state === 'failed' || this.#state === 'closed'
  }

  #newHandshake(version: ProtocolVersion): Session {
    const { role, localKey, random, keyring } = this.#config
    return createSession({ role, version: version as HandshakeVersion, localKey, random, firstSeq: this.#nextSeq, cryptoBackend: keyring.backend })
  }

  /** After a handshake step: the seq moves on; once the session key is there, it is the key. */
  #advanceHandshake(handshake: Session, step: ConnectionStep): void {
    this.#nextSeq = handshake.nextSeq
    const key = handshake.sessionKey
    if (key === undefined) return
    this.#key = key
    this.#handshake = undefined
    this.#hasProvenKey = true
    this.#establish(step, false)
  }

  #establish(step: ConnectionStep, isVersionDetected: boolean): void {
    this.#state = 'established'
    if (this.#version !== undefined && VERSION_FACTS[this.#version].device22 === 'always') this.#isDevice22 = true
    step.events.push({ type: 'established', version: this.#version!, isDevice22: this.#isDevice22, isVersionDetected })
  }

  #fail(error: HandshakeError, step: ConnectionStep, version = this.#version): void {
    this.#state = 'failed'
    this.#handshake = undefined
    this.#probe = undefined
    step.events.push({ type: 'failed', error, version })
  }
}
