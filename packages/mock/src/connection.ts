/**
 * One client connection of a simulated device: the firmware's policy on top of the device
 * half of `@tuya/session`'s connection machine. The machine deframes, runs the 3.4/3.5
 * handshake, tracks the key and the seqs, and classifies every frame; this file decides what
 * real firmware does with each: tolerate up to `preHandshakeFrameLimit` other frames before
 * the handshake (§7), drop frames that fail authentication without a word (§18.29), close on
 * framing errors, a repeated START or (3.5) a seq that does not increase (§12), answer
 * commands through the handlers, and apply the faults.
 */
import { CMD, commandName, decodeFrame, encodeFrame, readFrameHeader, type DecodedFrame } from '@tuya/codec'
import { createConnection, type Connection, type ReceivedFrame } from '@tuya/session'
import { deviceFrame, type OutFrame } from './frames.ts'
import { handleCommand, type HandlerContext, type PushRequest } from './handlers.ts'
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
  /** Whether events of `type` are wanted: the per-frame ones are not built otherwise. */
  hears(type: MockDeviceEventType): boolean
}

// Integrity passed but the payload could not be decrypted: official firmware still answers a
// heartbeat (it does not decrypt it, §17), and drops anything else.
const UNDECODABLE = new Set(['TUYA_ERR_DECRYPT', 'TUYA_ERR_BAD_PADDING', 'TUYA_ERR_NOT_JSON'])

function codeOf(error: Error | undefined): string {
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' ? code : ''
}

/** The per-connection state of a simulated device. */
export class DeviceConnection {
  readonly id: number
  readonly #shared: ConnectionShared
  readonly #machine: Connection
  readonly #handlerContext: HandlerContext
  #isClosed = false
  #framesReceived = 0
  #preHandshakeFrames = 0

  /**
   * @param id - connection id (for events)
   * @param shared - configuration, DP store and faults of the device
   */
  constructor(id: number, shared: ConnectionShared) {
    this.id = id
    this.#shared = shared
    const { config } = shared
    this.#handlerContext = { config, store: shared.store, now: config.now }
    this.#machine = createConnection({
      role: 'device',
      version: config.version,
      localKey: config.localKey,
      random: config.random,
      cryptoBackend: config.cryptoBackend,
      maxFrameBytes: config.maxFrameBytes,
      firstSeq: config.seqStart ?? randomSeqStart(config.random),
      checkSeq: config.seqCheck !== 'off',
    })
  }

  /** Whether data frames can flow: always on 3.1-3.3, after the handshake on 3.4/3.5. */
  get isEstablished(): boolean {
    return this.#machine.state === 'established'
  }

  /** Whether the connection has been closed (by either side). */
  get isClosed(): boolean {
    return this.#isClosed
  }

  /** Marks the connection closed (later input is ignored) and wipes its keys. */
  markClosed(): void {
    this.#isClosed = true
    this.#machine.close()
  }

  /**
   * Handles bytes read from the socket.
   * @param chunk - received bytes (a Node Buffer is fine: frames are copied out of it)
   * @returns what to do, in order
   */
  receive(chunk: Uint8Array): ConnectionOutput[] {
    const out: ConnectionOutput[] = []
    if (this.#isClosed) return out
    const step = this.#machine.receive(chunk)
    for (const frame of step.frames) {
      if (this.#isClosed) break
      this.#frame(frame, out)
    }
    const junk = step.events.find((e) => e.type === 'discarded')
    if (junk !== undefined && !this.#isClosed) {
      out.push(this.#event('dropped', { connectionId: this.id, reason: 'bad framing: junk or an impossible length', error: junk.error }))
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
    return [this.#send({ cmd: CMD.STATUS, retcode: 0, payload: json, header: config.profile.pushHeader, kind: 'push' }, 0, serial)]
  }

  #frame(frame: ReceivedFrame, out: ConnectionOutput[]): void {
    if (this.#shared.hears('frame')) out.push(this.#event('frame', { connectionId: this.id, direction: 'in', cmd: frame.cmd, seq: frame.seq, bytes: frame.raw }))
    this.#framesReceived++
    const { dropAfterFrames } = this.#shared.faults()
    if (dropAfterFrames !== undefined && this.#framesReceived >= dropAfterFrames) return this.#close(out, 'fault', 'destroy')
    if (frame.rejected !== undefined && !this.#isAnsweredAnyway(frame)) return this.#rejected(frame, out)
    out.push({ type: 'touch' })
    if (frame.isHandshake === true) return this.#handshake(frame, out)
    this.#command(frame, frame.decoded, out)
  }

  /** Official firmware answers a heartbeat whose payload does not decrypt: it never decrypts it (§17). */
  #isAnsweredAnyway(frame: ReceivedFrame): boolean {
    return frame.rejected === 'unauthenticated' && this.isEstablished && frame.cmd === CMD.HEART_BEAT && UNDECODABLE.has(codeOf(frame.error))
  }

  #rejected(frame: ReceivedFrame, out: ConnectionOutput[]): void {
    const { config } = this.#shared
    const { error } = frame
    switch (frame.rejected) {
      case 'foreign-format': {
        const reason = `a ${frame.format} frame on a ${config.version} device`
        if (this.isEstablished) out.push(this.#event('dropped', { connectionId: this.id, reason }))
        else this.#beforeHandshake(out, reason)
        return
      }
      case 'before-handshake':
        return this.#beforeHandshake(out, `${commandName(frame.cmd)} before the session key was negotiated`)
      case 'unauthenticated':
        if (!this.isEstablished) return this.#beforeHandshake(out, `${commandName(frame.cmd)} failed authentication under the local key`, error)
        // §18.29: frames that fail authentication or decryption are dropped without a reply.
        out.push(this.#event('dropped', { connectionId: this.id, reason: 'failed authentication or decryption', ...(error === undefined ? {} : { error }) }))
        return
      case 'malformed':
        // Real firmware loses the stream and closes.
        if (this.isEstablished) out.push(this.#event('dropped', { connectionId: this.id, reason: 'malformed frame', ...(error === undefined ? {} : { error }) }))
        return this.#close(out, 'bad-frame', 'end')
      case 'repeated-start':
        // One negotiation per connection: official firmware closes on a second START (§7, §18.10).
        return this.#close(out, 'repeated-start', 'end')
      case 'stale-seq':
        // §12: official 3.5 firmware drops, and by default disconnects, on a seq that does not increase.
        out.push(this.#event('dropped', { connectionId: this.id, reason: `seq ${frame.seq} does not increase` }))
        if (config.seqCheck === 'close') this.#close(out, 'seq-error', 'end')
        return
      case 'handshake-failed':
        out.push(this.#event('dropped', { connectionId: this.id, reason: 'handshake failed', ...(error === undefined ? {} : { error }) }))
        return this.#close(out, 'handshake-failed', 'end')
    }
  }

  #beforeHandshake(out: ConnectionOutput[], reason: string, error?: Error): void {
    this.#preHandshakeFrames++
    out.push(this.#event('dropped', { connectionId: this.id, reason, ...(error === undefined ? {} : { error }) }))
    // Official firmware tolerates a few other frames before the handshake, then closes (§7).
    if (this.#preHandshakeFrames > this.#shared.config.preHandshakeFrameLimit) this.#close(out, 'pre-handshake-limit', 'end')
  }

  #handshake(frame: ReceivedFrame, out: ConnectionOutput[]): void {
    for (const bytes of frame.answer ?? []) out.push(this.#handshakeAnswer(bytes))
    if (frame.cmd === CMD.SESS_KEY_NEG_FINISH) out.push(this.#event('handshake', { connectionId: this.id }))
  }

  /** RESP as the machine built it, or re-sealed under the `wrongKey` fault (the client's check of it must fail). */
  #handshakeAnswer(bytes: Uint8Array): ConnectionOutput {
    const { seq, cmd } = readFrameHeader(bytes)
    const { wrongKey } = this.#shared.faults()
    if (wrongKey !== undefined) {
      const { version, localKey, random } = this.#shared.config
      const { payload } = decodeFrame(bytes, { version, key: localKey, direction: 'fromDevice' })
      bytes = encodeFrame({ version, key: wrongKey, direction: 'fromDevice', seq, cmd, payload, retcode: 0, random })
    }
    return { type: 'send', bytes, cmd, seq }
  }

  #command(frame: ReceivedFrame, decoded: DecodedFrame | undefined, out: ConnectionOutput[]): void {
    const { config } = this.#shared
    if (decoded !== undefined && this.#isUndecryptableClearText(decoded)) {
      out.push(this.#event('dropped', { connectionId: this.id, reason: `a clear-text ${commandName(frame.cmd)} payload on a ${config.version} device, which decrypts every payload (quirks.answersClearQueries answers it)` }))
      return
    }
    if (this.#shared.hears('command')) out.push(this.#commandEvent(frame, decoded))
    if (this.#shared.faults().isSilent === true) return
    const result = handleCommand(this.#handlerContext, { cmd: frame.cmd, seq: frame.seq, json: decoded?.json })
    if (result.ignored !== undefined) out.push(this.#event('dropped', { connectionId: this.id, reason: result.ignored }))
    for (const reply of result.replies) out.push(this.#send(reply, frame.seq, 0))
    if (result.change !== undefined && this.#shared.hears('change')) out.push(this.#event('change', { ...result.change, source: 'client' }))
    for (const push of result.pushes) out.push({ type: 'push', push })
  }

  #commandEvent(frame: ReceivedFrame, decoded: DecodedFrame | undefined): ConnectionOutput {
    const json = decoded?.json
    const cid = typeof json === 'object' && json !== null ? ((json as { cid?: unknown }).cid ?? (json as { data?: { cid?: unknown } }).data?.cid) : undefined
    return this.#event('command', {
      connectionId: this.id,
      cmd: frame.cmd,
      name: commandName(frame.cmd),
      seq: frame.seq,
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
    return !decoded.isEncrypted && decoded.payload.length > 0 && !profile.sendsClearQueries && !quirks.answersClearQueries && decoded.cmd !== CMD.HEART_BEAT
  }

  /** Encodes a device frame: the machine numbers it (own counter, or the echoed request seq on 3.1-3.3). */
  #send(frame: OutFrame, requestSeq: number, serial: number): ConnectionOutput {
    const { config } = this.#shared
    const wrongKey = this.#shared.faults().wrongKey
    const bytes = this.#machine.send({
      ...deviceFrame(frame, config.profile, serial),
      ...(frame.kind === 'reply' ? { replyTo: requestSeq } : {}),
      ...(wrongKey === undefined ? {} : { key: wrongKey }),
    })
    const { seq } = readFrameHeader(bytes)
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
