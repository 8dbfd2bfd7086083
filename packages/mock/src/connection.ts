/**
 * One client connection of a simulated device, sans-I/O: bytes in, outputs (frames to write,
 * close, events) out. It applies the connection rules of real firmware: the 3.4/3.5
 * handshake first (up to `preHandshakeFrameLimit` other frames tolerated), one handshake per
 * connection, silent drops for frames that fail authentication (§18.29), close on framing
 * errors, the seq rules of §12.
 */
import { Deframer, commandName, decodeFrame, encodeFrame, readFrameHeader, type DecodedFrame, type DecodeFrameOptions, type FrameHeader, type KeyInput } from '@tuya/codec'
import { createKeyring, type Keyring } from '@tuya/crypto'
import { createSession, type Session } from '@tuya/session'
import { encodeDeviceFrame, type OutFrame } from './frames.ts'
import { handleCommand, type HandlerContext, type PushRequest, type Request } from './handlers.ts'
import { randomSeqStart, type ResolvedConfig } from './options.ts'
import type { DpStore } from './state.ts'
import type { CloseReason, MockDeviceEventDetails, MockDeviceEventType, MockFaults } from './types.ts'

/** An event as the core emits it; the adapter dispatches it as a `CustomEvent`. */
export type MockEvent = { [K in MockDeviceEventType]: { type: K; detail: MockDeviceEventDetails[K] } }[MockDeviceEventType]

/** What a connection asks its owner to do, in order. */
export type ConnectionOutput =
  | { type: 'send'; bytes: Uint8Array; cmd: number; seq: number }
  | { type: 'close'; reason: CloseReason; mode: 'end' | 'destroy' }
  /** An authenticated frame arrived: restart the idle timer. */
  | { type: 'touch' }
  /** A STATUS report for every connection. */
  | { type: 'push'; push: PushRequest }
  | { type: 'event'; event: MockEvent }

/** What the connections of one device share. */
export interface ConnectionShared {
  readonly config: ResolvedConfig
  readonly store: DpStore
  faults(): MockFaults
  /** Whether events of `type` are wanted: the hot per-frame ones are not built otherwise. */
  hears(type: MockDeviceEventType): boolean
}

const CMD_START = 3
const CMD_FINISH = 5
const CMD_HEART_BEAT = 9

const TOUCH: ConnectionOutput = { type: 'touch' }

// Integrity passed but the payload could not be decrypted: official firmware still answers a
// heartbeat (it does not decrypt it, §17), and drops anything else.
const UNDECODABLE = new Set(['TUYA_ERR_DECRYPT', 'TUYA_ERR_BAD_PADDING', 'TUYA_ERR_NOT_JSON'])
// The frame itself is malformed: real firmware loses the stream and closes.
const MALFORMED = new Set(['TUYA_ERR_BAD_PREFIX', 'TUYA_ERR_BAD_SUFFIX', 'TUYA_ERR_BAD_LENGTH', 'TUYA_ERR_TRUNCATED', 'TUYA_ERR_FRAME_TOO_LARGE'])

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : ''
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

/** The per-connection state machine of a simulated device. */
export class DeviceConnection {
  readonly id: number
  readonly #shared: ConnectionShared
  readonly #handlerContext: HandlerContext
  readonly #deframer: Deframer
  #session: Session | undefined
  #sessionKey: Uint8Array | undefined
  #isClosed = false
  #nextSeq: number
  #lastClientSeq: number | undefined
  #framesReceived = 0
  #preHandshakeFrames = 0
  #badFrame: Error | undefined
  // Reused for every frame (each is only read while that frame is handled): the outputs of
  // receive(), the header of the frame at hand, the request given to the handlers, and the
  // decode options (local key before a 3.4/3.5 handshake, then the session key).
  readonly #out: ConnectionOutput[] = []
  readonly #header: FrameHeader = { format: '55aa', seq: 0, cmd: 0, length: 0, byteLength: 0 }
  readonly #request: Request = { cmd: 0, seq: 0, json: undefined }
  readonly #localKeyOptions: DecodeFrameOptions
  #dataOptions: DecodeFrameOptions
  /** This connection's imported keys (local key, session key, a fault's wrong key), wiped on close. */
  readonly #keyring: Keyring

  /**
   * @param id - connection id (for events)
   * @param shared - configuration, DP store and faults of the device
   */
  constructor(id: number, shared: ConnectionShared) {
    this.id = id
    this.#shared = shared
    this.#handlerContext = { config: shared.config, store: shared.store, now: shared.config.now }
    this.#nextSeq = shared.config.seqStart ?? (shared.config.profile.seqMode === 'counter' ? randomSeqStart(shared.config.random) : 0)
    const { version, localKey, maxFrameBytes } = shared.config
    this.#keyring = createKeyring({ backend: shared.config.cryptoBackend, maxKeys: 3 })
    this.#localKeyOptions = { version, key: localKey, direction: 'toDevice', maxFrameBytes, keyring: this.#keyring }
    this.#dataOptions = this.#localKeyOptions
    this.#deframer = new Deframer({
      maxFrameBytes: shared.config.maxFrameBytes,
      onDiscard: (info) => {
        this.#badFrame ??= info.error
      },
    })
  }

  /** Whether data frames can flow: always on 3.1-3.3, after the handshake on 3.4/3.5. */
  get isEstablished(): boolean {
    return !this.#shared.config.profile.hasHandshake || this.#sessionKey !== undefined
  }

  /** Whether the connection has been closed (by either side). */
  get isClosed(): boolean {
    return this.#isClosed
  }

  /** Marks the connection closed (later input is ignored) and wipes its keys. */
  markClosed(): void {
    this.#isClosed = true
    this.#keyring.clear()
    this.#sessionKey?.fill(0)
  }

  /**
   * Handles bytes read from the socket.
   * @param chunk - received bytes (a Node Buffer is fine: the Deframer copies frames out of it)
   * @returns what to do, in order: one array reused by every call, valid until the next
   */
  receive(chunk: Uint8Array): ConnectionOutput[] {
    const out = this.#out
    // Emptied by pop(), which keeps the array's storage; `length = 0` would drop it, and a
    // fresh array grows a 16-slot store on its first push (~180 bytes per call either way).
    while (out.length > 0) out.pop()
    if (this.#isClosed) return out
    const frames = this.#deframer.push(chunk)
    for (const frame of frames) {
      if (this.#isClosed) break
      this.#receiveFrame(frame, out)
    }
    if (this.#badFrame !== undefined && !this.#isClosed) {
      const error = this.#badFrame
      this.#badFrame = undefined
      out.push(this.#event('dropped', { connectionId: this.id, reason: 'bad framing: junk or an impossible length', error }))
      if (this.#shared.config.closeOnBadFrame) this.#close(out, 'bad-frame', 'end')
    }
    return out
  }

  /**
   * Encodes a STATUS report for this connection (nothing before a 3.4/3.5 handshake).
   * @param push - the DPs to report
   * @param serial - the source-header serial of this report
   * @returns the send output, or nothing
   */
  encodePush(push: PushRequest, serial: number): ConnectionOutput[] {
    if (this.#isClosed || !this.isEstablished) return []
    const { config } = this.#shared
    const t = Math.floor(config.now() / 1000)
    const json = config.profile.push({ devId: config.id, dps: push.dps, t, reason: push.reason, cid: push.cid })
    const frame: OutFrame = { cmd: 8, retcode: 0, payload: json, header: config.profile.pushHeader, kind: 'push' }
    return [this.#send(frame, 0, serial)]
  }

  #receiveFrame(frame: Uint8Array, out: ConnectionOutput[]): void {
    let header: FrameHeader
    try {
      header = readFrameHeader(frame, this.#header)
    } catch (error) {
      this.#badFrame ??= toError(error)
      return
    }
    if (this.#shared.hears('frame')) out.push(this.#event('frame', { connectionId: this.id, direction: 'in', cmd: header.cmd, seq: header.seq, bytes: frame }))
    this.#framesReceived++
    const { dropAfterFrames } = this.#shared.faults()
    if (dropAfterFrames !== undefined && this.#framesReceived >= dropAfterFrames) {
      this.#close(out, 'fault', 'destroy')
      return
    }
    if (header.format !== this.#shared.config.profile.format) {
      // A frame of another protocol version cannot be authenticated: silence (§18.29).
      if (this.isEstablished) out.push(this.#event('dropped', { connectionId: this.id, reason: `a ${header.format} frame on a ${this.#shared.config.version} device` }))
      else this.#beforeHandshake(out, `a ${header.format} frame on a ${this.#shared.config.version} device`)
      return
    }
    if (!this.isEstablished) this.#handshakeFrame(frame, header, out)
    else this.#dataFrame(frame, header, out)
  }

  #handshakeFrame(frame: Uint8Array, header: FrameHeader, out: ConnectionOutput[]): void {
    const { config } = this.#shared
    if (header.cmd === CMD_START && this.#session !== undefined) {
      // START again before FINISH: one negotiation per connection (§7).
      this.#close(out, 'repeated-start', 'end')
      return
    }
    const isStep = header.cmd === CMD_START || (header.cmd === CMD_FINISH && this.#session !== undefined)
    if (!isStep) {
      this.#beforeHandshake(out, `${commandName(header.cmd)} before the session key was negotiated`)
      return
    }
    // Check the frame under the local key first: one that fails is dropped without a word.
    try {
      decodeFrame(frame, this.#localKeyOptions)
    } catch (error) {
      if (MALFORMED.has(codeOf(error))) this.#close(out, 'bad-frame', 'end')
      else this.#beforeHandshake(out, `${commandName(header.cmd)} failed authentication under the local key`, error)
      return
    }
    if (!this.#checkSeq(header, out)) return
    out.push(TOUCH)
    this.#session ??= createSession({ role: 'device', version: config.version as '3.4' | '3.5', localKey: config.localKey, random: config.random, firstSeq: this.#nextSeq, cryptoBackend: config.cryptoBackend })
    try {
      const step = this.#session.receive(frame)
      for (const bytes of step.send) out.push(this.#emitHandshakeFrame(bytes))
      this.#nextSeq = this.#session.nextSeq
      for (const event of step.events) {
        this.#sessionKey = event.sessionKey
        this.#dataOptions = { ...this.#localKeyOptions, key: event.sessionKey }
        out.push(this.#event('handshake', { connectionId: this.id }))
      }
    } catch (error) {
      out.push(this.#event('dropped', { connectionId: this.id, reason: 'handshake failed', error: toError(error) }))
      this.#close(out, 'handshake-failed', 'end')
    }
  }

  #beforeHandshake(out: ConnectionOutput[], reason: string, error?: unknown): void {
    this.#preHandshakeFrames++
    out.push(this.#event('dropped', { connectionId: this.id, reason, ...(error === undefined ? {} : { error: toError(error) }) }))
    // Official firmware tolerates a few other frames before the handshake, then closes (§7).
    if (this.#preHandshakeFrames > this.#shared.config.preHandshakeFrameLimit) this.#close(out, 'pre-handshake-limit', 'end')
  }

  #emitHandshakeFrame(bytes: Uint8Array): ConnectionOutput {
    const { config } = this.#shared
    const head = readFrameHeader(bytes)
    const { wrongKey } = this.#shared.faults()
    if (wrongKey !== undefined) {
      // Re-seal the RESP under the wrong key: the client's authentication of it must fail.
      const payload = decodeFrame(bytes, { version: config.version, key: config.localKey, direction: 'fromDevice', keyring: this.#keyring }).payload
      bytes = encodeFrame({ version: config.version, key: wrongKey, direction: 'fromDevice', seq: head.seq, cmd: head.cmd, payload, retcode: 0, random: config.random, keyring: this.#keyring })
    }
    return { type: 'send', bytes, cmd: head.cmd, seq: head.seq }
  }

  #dataFrame(frame: Uint8Array, header: FrameHeader, out: ConnectionOutput[]): void {
    const { config } = this.#shared
    if (header.cmd === CMD_START && config.profile.hasHandshake) {
      // One negotiation per connection: official firmware closes on a second START (§7, §18.10).
      this.#close(out, 'repeated-start', 'end')
      return
    }
    let decoded: DecodedFrame | undefined
    try {
      decoded = decodeFrame(frame, this.#dataOptions)
    } catch (error) {
      const code = codeOf(error)
      if (MALFORMED.has(code)) {
        out.push(this.#event('dropped', { connectionId: this.id, reason: 'malformed frame', error: toError(error) }))
        this.#close(out, 'bad-frame', 'end')
        return
      }
      if (!(UNDECODABLE.has(code) && header.cmd === CMD_HEART_BEAT)) {
        // §18.29: frames that fail authentication or decryption are dropped without a reply.
        out.push(this.#event('dropped', { connectionId: this.id, reason: 'failed authentication or decryption', error: toError(error) }))
        return
      }
    }
    if (decoded !== undefined && this.#isUndecryptableClearText(decoded)) {
      out.push(this.#event('dropped', { connectionId: this.id, reason: `a clear-text ${commandName(header.cmd)} payload on a ${config.version} device, which decrypts every payload (quirks.answersClearQueries answers it)` }))
      return
    }
    if (!this.#checkSeq(header, out)) return
    out.push(TOUCH)
    const json = decoded?.json
    if (this.#shared.hears('command')) out.push(this.#commandEvent(header, decoded))
    if (this.#shared.faults().isSilent === true) return
    const request = this.#request
    request.cmd = header.cmd
    request.seq = header.seq
    request.json = json
    const result = handleCommand(this.#handlerContext, request)
    request.json = undefined
    if (result.ignored !== undefined) out.push(this.#event('dropped', { connectionId: this.id, reason: result.ignored }))
    for (const reply of result.replies) out.push(this.#send(reply, header.seq, 0))
    if (result.change !== undefined && this.#shared.hears('change')) out.push(this.#event('change', { ...result.change, source: 'client' }))
    for (const push of result.pushes) out.push({ type: 'push', push })
  }

  #commandEvent(header: FrameHeader, decoded: DecodedFrame | undefined): ConnectionOutput {
    const json = decoded?.json
    const cid = typeof json === 'object' && json !== null ? ((json as { cid?: unknown }).cid ?? (json as { data?: { cid?: unknown } }).data?.cid) : undefined
    return this.#event('command', {
      connectionId: this.id,
      cmd: header.cmd,
      name: commandName(header.cmd),
      seq: header.seq,
      ...(decoded?.text === undefined ? {} : { text: decoded.text }),
      ...(json === undefined ? {} : { json }),
      ...(typeof cid === 'string' ? { cid } : {}),
    })
  }

  /**
   * Whether real firmware would fail to decrypt this payload: 3.2+ devices decrypt whatever they
   * get, and clear text does not decrypt (§18.29). The codec accepts clear text on 3.2/3.3 because
   * devices send their error texts that way; a device never receives them so. Heartbeats are
   * answered without decrypting (§17).
   */
  #isUndecryptableClearText(decoded: DecodedFrame): boolean {
    const { profile, quirks } = this.#shared.config
    return !decoded.isEncrypted && decoded.payload.length > 0 && !profile.isV31 && !quirks.answersClearQueries && decoded.cmd !== CMD_HEART_BEAT
  }

  /** §12: official 3.5 firmware drops, and by default disconnects, on a seq that does not increase. */
  #checkSeq(header: FrameHeader, out: ConnectionOutput[]): boolean {
    const mode = this.#shared.config.seqCheck
    const last = this.#lastClientSeq
    if (mode !== 'off' && last !== undefined && header.seq <= last) {
      out.push(this.#event('dropped', { connectionId: this.id, reason: `seq ${header.seq} does not increase (last ${last})` }))
      if (mode === 'close') this.#close(out, 'seq-error', 'end')
      return false
    }
    this.#lastClientSeq = header.seq
    return true
  }

  #send(frame: OutFrame, requestSeq: number, serial: number): ConnectionOutput {
    const { config } = this.#shared
    let seq: number
    if (config.profile.seqMode === 'counter') {
      seq = this.#nextSeq
      this.#nextSeq = (this.#nextSeq + 1) >>> 0
    } else {
      // 3.1-3.3: replies echo the request, pushes and heartbeat replies carry 0 (§12).
      seq = frame.kind === 'reply' ? requestSeq : 0
    }
    const key: KeyInput = this.#shared.faults().wrongKey ?? this.#sessionKey ?? config.localKey
    const bytes = encodeDeviceFrame(frame, config.profile, key, seq, serial, config.ivRandom, this.#keyring)
    return { type: 'send', bytes, cmd: frame.cmd, seq }
  }

  #close(out: ConnectionOutput[], reason: CloseReason, mode: 'end' | 'destroy'): void {
    if (this.#isClosed) return
    this.#isClosed = true
    out.push({ type: 'close', reason, mode })
  }

  #event<K extends MockDeviceEventType>(type: K, detail: MockDeviceEventDetails[K]): ConnectionOutput {
    return { type: 'event', event: { type, detail } as MockEvent }
  }
}
