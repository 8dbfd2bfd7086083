/**
 * One TCP connection's protocol state, sans-I/O: the deframer, the 3.4/3.5 session (or the
 * version probe), the key and the seq counter (§12: starts at 1 per connection, strictly
 * increasing, handshake frames included). Bytes in through `receive`, results out through
 * a {@link LinkSink}; frames out through `encode`.
 */
import { decodeFrame, Deframer, encodeFrame, readFrameHeader, VERSION_FACTS, type DecodedFrame, type DiscardInfo, type JsonPayload, type ProtocolVersion } from '@tuya/codec'
import type { Keyring, RandomSource } from '@tuya/crypto'
import { createSession, type HandshakeVersion, type Session } from '@tuya/session'
import { PROBE_FRAMES, VersionProbe, type ProbeResult } from './probe.ts'
import { withRetcode } from './retcode.ts'
import { handshakeFailure } from './session-errors.ts'

/** Where a link delivers what it reads. Calls happen synchronously inside `receive`. */
export interface LinkSink {
  /** Write these bytes (a FINISH frame). */
  send(bytes: Uint8Array): void
  /** The connection is usable: the version is known and the key is established. */
  ready(version: ProtocolVersion, isDevice22: boolean): void
  /** A decoded device frame (after `ready`). */
  frame(frame: DecodedFrame, raw: Uint8Array): void
  /**
   * The device's answer to the version probe's own query: state to take in, never the reply of
   * a command (the commands written after `ready` get their own answers).
   */
  probeAnswer(frame: DecodedFrame, raw: Uint8Array): void
  /** A late answer to another of the probe's queries, dropped (for the log). */
  probeLeftover(raw: Uint8Array): void
  /** A complete frame that failed its checks or decryption after `ready`. */
  badFrame(error: Error, raw: Uint8Array): void
  /** Bytes the deframer skipped (junk, impossible lengths); asked for only when `wantsDiscards`. */
  discard(info: DiscardInfo): void
  /** Whether `discard` does anything (else the deframer gets no callback: one closure less per connection). */
  readonly wantsDiscards: boolean
  /** Establishment failed (wrong key, wrong version); the connection is useless. */
  failed(error: Error): void
}

/**
 * The settings a {@link Link} reads (the engine passes its config: no copy per connection).
 */
export interface LinkConfig {
  readonly localKey: Uint8Array
  readonly deviceId: string
  readonly random: RandomSource
  readonly maxFrameBytes: number
  readonly keyring: Keyring
}

/** The protocol side of one connection. */
export class Link {
  readonly #config: LinkConfig
  /** Unix seconds (for the probe queries). */
  readonly #t: number
  readonly #deframer: Deframer
  readonly #sink: LinkSink
  #version: ProtocolVersion | undefined
  #key: Uint8Array
  #seq = 1
  #session: Session | undefined
  #probe: VersionProbe | undefined
  #state: 'opening' | 'ready' | 'dead' = 'opening'
  /**
   * After a probe on a version whose devices echo the request's seq (§12): answers to the other
   * probe queries may still come (a 3.1 device answers the 3.3 query with an error text, some
   * 3.3 firmware also answers the 3.1 query). They carry the probe's seqs and are dropped, so
   * that no later command takes one for its reply. Off once a frame answers a later seq.
   */
  #isDrainingProbe = false
  /** Whether a non-empty payload decrypted under the key on this connection (the key is proven). */
  hasProvenKey = false

  /**
   * @param config - key, device id, randomness, limits
   * @param version - the version, or `undefined` to probe for it
   * @param t - Unix seconds (for the probe queries)
   * @param sink - receives frames and state changes
   */
  constructor(config: LinkConfig, version: ProtocolVersion | undefined, t: number, sink: LinkSink) {
    this.#config = config
    this.#t = t
    this.#sink = sink
    this.#version = version
    this.#key = config.localKey
    this.#deframer = new Deframer(sink.wantsDiscards ? { maxFrameBytes: config.maxFrameBytes, onDiscard: (info) => sink.discard(info) } : { maxFrameBytes: config.maxFrameBytes })
  }

  /** The protocol version (known once ready, or from the start when configured). */
  get version(): ProtocolVersion | undefined {
    return this.#version
  }

  /** Whether commands can be sent. */
  get isReady(): boolean {
    return this.#state === 'ready'
  }

  /** The seq the next encoded frame gets. */
  get nextSeq(): number {
    return this.#seq
  }

  /** Bytes of an incomplete frame held back. */
  get bufferedBytes(): number {
    return this.#deframer.bufferedBytes
  }

  /**
   * Starts the connection: the frames to write first (START, the probe, or none).
   * `ready` is reported synchronously for 3.1-3.3.
   */
  open(): Uint8Array[] {
    const version = this.#version
    if (version === undefined) {
      const { localKey, deviceId, random, maxFrameBytes, keyring } = this.#config
      this.#probe = new VersionProbe({ localKey, devId: deviceId, t: this.#t, random, maxFrameBytes, keyring })
      const frames = this.#probe.open()
      this.#seq = frames.length + 1
      return frames
    }
    if (!VERSION_FACTS[version].hasHandshake) {
      this.#state = 'ready'
      this.#sink.ready(version, false)
      return []
    }
    // hasHandshake: the version is 3.4 or 3.5, the versions a session negotiates.
    this.#session = createSession({ role: 'client', version: version as HandshakeVersion, localKey: this.#key, random: this.#config.random, firstSeq: 1, cryptoBackend: this.#config.keyring.backend })
    const frames = this.#session.start().send
    this.#seq = this.#session.nextSeq
    return frames
  }

  /** Stops all processing (the engine is done with this connection) and wipes its session key. */
  kill(): void {
    this.#state = 'dead'
    if (this.#key !== this.#config.localKey) {
      this.#config.keyring.delete(this.#key)
      this.#key.fill(0)
    }
  }

  /**
   * Encodes a command frame with the next seq.
   * @param cmd - command number
   * @param payload - JSON object, text or bytes
   * @returns the frame bytes
   */
  encode(cmd: number, payload: JsonPayload | Uint8Array | string): Uint8Array {
    return encodeFrame({ version: this.#version!, key: this.#key, seq: this.#seq++, cmd, payload, random: this.#config.random, keyring: this.#config.keyring })
  }

  /**
   * Handles received bytes; results go to the sink.
   * @param chunk - bytes from the transport
   */
  receive(chunk: Uint8Array): void {
    if (this.#state === 'dead') return
    for (const raw of this.#deframer.push(chunk)) {
      if (this.#state === 'ready') {
        if (!this.#isDrainingProbe || !this.#isProbeLeftover(raw)) this.#data(raw)
      }
      else if (this.#state === 'opening') this.#opening(raw)
      else return
    }
  }

  #data(raw: Uint8Array): void {
    const version = this.#version!
    let frame: DecodedFrame
    try {
      const bytes = VERSION_FACTS[version].integrity === 'crc' ? withRetcode(raw) : raw
      frame = decodeFrame(bytes, { version, key: this.#key, maxFrameBytes: this.#config.maxFrameBytes, keyring: this.#config.keyring })
    } catch (error) {
      this.#sink.badFrame(error as Error, raw)
      return
    }
    if (frame.payload.length > 0 && frame.isEncrypted) this.hasProvenKey = true
    this.#sink.frame(frame, raw)
  }

  /** Whether `raw` answers one of the probe's queries (seq 1 to PROBE_FRAMES); pushes (seq 0) pass. */
  #isProbeLeftover(raw: Uint8Array): boolean {
    const seq = readFrameHeader(raw).seq
    if (seq === 0) return false
    if (seq > PROBE_FRAMES) {
      this.#isDrainingProbe = false
      return false
    }
    this.#sink.probeLeftover(raw)
    return true
  }

  #opening(raw: Uint8Array): void {
    try {
      if (this.#probe !== undefined) {
        const result = this.#probe.receive(raw, this.#config.deviceId)
        if (result !== undefined) this.#adopt(result, raw)
        return
      }
      const session = this.#session!
      let step
      try {
        step = session.receive(raw)
      } catch (error) {
        throw handshakeFailure(error, session.version, this.#config.deviceId)
      }
      for (const bytes of step.send) this.#sink.send(bytes)
      this.#seq = session.nextSeq
      const key = session.sessionKey
      if (key === undefined) return
      this.#key = key
      this.#session = undefined
      this.hasProvenKey = true
      this.#state = 'ready'
      this.#sink.ready(this.#version!, false)
    } catch (error) {
      this.#state = 'dead'
      this.#sink.failed(error as Error)
    }
  }

  #adopt(result: ProbeResult, raw: Uint8Array): void {
    this.#probe = undefined
    this.#version = result.version
    this.#key = result.key
    this.#seq = result.nextSeq
    this.#isDrainingProbe = VERSION_FACTS[result.version].echoesSeq
    for (const bytes of result.send) this.#sink.send(bytes)
    this.#state = 'ready'
    if (VERSION_FACTS[result.version].hasHandshake || (result.frame?.isEncrypted ?? false)) this.hasProvenKey = true
    this.#sink.ready(result.version, result.isDevice22)
    if (result.frame !== undefined && this.#state === 'ready') this.#sink.probeAnswer(result.frame, raw)
  }
}
