/**
 * The traffic of one device over its current connection: writing queued commands, matching
 * device frames to them, STATUS pushes into the DP cache, keep-alive heartbeats and the
 * missed-reply checks. The lifecycle ({@link Engine}) decides when there is a connection.
 */
import { CMD, parseDevicePayload, readU32, VERSION_FACTS, type DecodedFrame, type DeviceMessage, type Dps, type ProtocolVersion } from '@tuya/codec'
import { WrongLocalKeyError, WrongVersionError as SessionWrongVersionError, type Connection, type ConnectionEvent, type ConnectionStep } from '@tuya/session'
import { isConfigurationError } from '../errors.ts'
import { Command, type BuildContext, type BuiltCommand } from './command.ts'
import { Dispatcher, type CommandWriter } from './dispatcher.ts'
import { DpsCache } from './dps-state.ts'
import type { EngineConfig, EngineHost } from './engine.ts'
import type { ConnectionState, DisconnectReason } from './events.ts'
import { expiredUnsent, heartbeatMissed, lostAfterWrite, outOfSync, silence, undecryptable, versionMismatch } from './failures.ts'
import { frameEntry } from './log.ts'
import { establishFailure } from './session-errors.ts'
import { heartbeatSpec } from './specs.ts'

/** What the traffic needs from the lifecycle (the {@link Engine} itself: no closures per device). */
export interface TrafficContext {
  readonly config: EngineConfig
  readonly host: EngineHost
  readonly state: ConnectionState
  readonly lastError: Error | undefined
  buildContext(): BuildContext
  /** The connection is established (its `established` event). */
  onReady(version: ProtocolVersion, isDevice22: boolean): void
  /** The connection (attempt) is unusable: a failed establishment, or a wrong key. */
  fail(error: Error): void
  /** The connection is dead. */
  drop(reason: DisconnectReason, error: Error): void
}

const MAX_BAD_FRAMES = 3

/** Commands and frames of one device over its current {@link Connection}; the writer of its dispatcher. */
export class Traffic implements CommandWriter {
  readonly dispatcher: Dispatcher
  readonly cache = new DpsCache()
  readonly #ctx: TrafficContext
  #connection: Connection | undefined
  #connectionFrames = 0
  #badFrames = 0
  #heartbeat: Command | undefined
  lastWriteAt = 0
  /** A key was proven on some connection of this handle (a handshake, or a decrypted reply). */
  hasProvenKey = false

  /** @param ctx - the lifecycle */
  constructor(ctx: TrafficContext) {
    this.#ctx = ctx
    this.dispatcher = new Dispatcher(ctx.config.maxInFlight, ctx.config.settleMs)
  }

  /** Starts using a new connection. */
  attach(connection: Connection): void {
    this.#connection = connection
    this.#connectionFrames = 0
    this.#badFrames = 0
  }

  /** The connection is gone. */
  detach(): void {
    this.#connection = undefined
  }

  /** The connection became usable (the engine calls this once it took the `established` event). */
  begin(now: number): void {
    if (this.#connection?.hasProvenKey === true) this.hasProvenKey = true
    this.lastWriteAt = now
  }

  /**
   * Acts on what the connection machine returned, in its order: frames to write, events, then
   * the frames received. Stops as soon as the connection is no longer the current one (an
   * event handler hung up).
   */
  apply(step: ConnectionStep): void {
    const connection = this.#connection
    if (connection === undefined) return
    for (const bytes of step.send) this.writeRaw(bytes, undefined, undefined)
    for (const event of step.events) {
      if (this.#connection !== connection) return
      this.#event(connection, event)
    }
    for (const received of step.frames) {
      if (this.#connection !== connection || connection.state !== 'established') return
      if (received.rejected !== undefined) this.badFrame(received.error ?? new Error(`frame rejected: ${received.rejected}`), received.raw)
      else if (received.isProbeAnswer === true) this.#probeAnswer(received.decoded!, received.raw)
      else this.frame(received.decoded!, received.raw)
    }
  }

  #event(connection: Connection, event: ConnectionEvent): void {
    const { config } = this.#ctx
    switch (event.type) {
      case 'established':
        this.#ctx.onReady(event.version, event.isDevice22)
        return
      case 'failed':
        this.#ctx.fail(establishFailure(event.error, event.version, { hasProvenKey: this.hasProvenKey || connection.hasProvenKey, timeoutMs: config.connectTimeoutMs, deviceId: config.deviceId }))
        return
      case 'discarded':
        config.logger?.({ level: 'warn', deviceId: config.deviceId, message: `skipped ${event.bytes} bytes that are not a frame`, error: event.error })
        return
      case 'probe-leftover':
        config.logger?.({ level: 'debug', deviceId: config.deviceId, message: `dropped a late answer to the version probe (seq ${event.seq}): it belongs to no command` })
    }
  }

  /** Queues a command (first when urgent) and writes what can be written. */
  enqueue(command: Command, isUrgent = false): void {
    this.dispatcher.enqueue(command, isUrgent)
    this.pump()
  }

  /** Writes queued commands while the connection and the in-flight limit allow. */
  pump(): void {
    const connection = this.#connection
    if (connection === undefined || connection.state !== 'established' || this.#ctx.state !== 'online') return
    this.dispatcher.pump(this.#ctx.buildContext(), this)
  }

  /** Encodes and writes a command the dispatcher takes out (on the connection `pump` checked). @returns its seq */
  writeCommand(built: BuiltCommand): number {
    const connection = this.#connection!
    const seq = connection.nextSeq
    const bytes = connection.send({ cmd: built.cmd, payload: built.payload })
    const { payload } = built
    const text = this.#ctx.config.logger === undefined || payload instanceof Uint8Array ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload)
    this.writeRaw(bytes, built.cmd, text)
    return seq
  }

  /** Writes one frame (and logs it). */
  writeRaw(bytes: Uint8Array, cmd: number | undefined, text: string | undefined): void {
    const { config, host } = this.#ctx
    this.lastWriteAt = config.now()
    if (config.logger !== undefined) config.logger(frameEntry(config.deviceId, 'out', cmd ?? readCmd(bytes), bytes, text))
    host.write(bytes)
  }

  /**
   * Online with nothing pending: the keep-alive heartbeat is up to us (pending commands probe
   * liveness themselves, and their missed replies start a heartbeat).
   */
  isIdle(): boolean {
    return this.#heartbeat === undefined && this.#ctx.config.heartbeatIntervalMs > 0 && this.dispatcher.inFlight === 0 && this.dispatcher.queued === 0
  }

  /** When the next keep-alive heartbeat is due. */
  heartbeatDue(): number {
    return this.lastWriteAt + this.#ctx.config.heartbeatIntervalMs
  }

  /** Sends a keep-alive heartbeat when one is due. */
  keepAlive(now: number): void {
    if (this.isIdle() && now >= this.heartbeatDue()) this.#startHeartbeat()
  }

  #startHeartbeat(): void {
    const { config } = this.#ctx
    const command = new Command(heartbeatSpec(config.heartbeatTimeoutMs), config.now(), () => {
      if (this.#heartbeat === command) this.#heartbeat = undefined
    }, () => {})
    this.#heartbeat = command
    // Ahead of queued commands: it decides whether the connection (and a quarantined cmd) is usable.
    this.enqueue(command, true)
  }

  /** The earliest time anything here needs attention, or Infinity. */
  nextWake(): number {
    const at = this.dispatcher.nextWake()
    return this.#ctx.state === 'online' && this.isIdle() ? Math.min(at, this.heartbeatDue()) : at
  }

  /** Settles what is due: settle windows, missed replies, deadlines of unsent commands. */
  expire(now: number): void {
    const { config } = this.#ctx
    const { deviceId } = config
    let wasSilent = false
    let configError: Error | undefined
    for (const command of this.dispatcher.expire(now)) {
      if (command === this.#heartbeat) {
        this.#heartbeat = undefined
        if (this.#ctx.state === 'online') this.#ctx.drop('heartbeat-timeout', heartbeatMissed(config.heartbeatTimeoutMs, deviceId))
      } else if (command.phase === 'written') {
        wasSilent = true
        const error = silence(command.built?.cmd ?? -1, command.spec.timeoutMs, this.#freshSilenceVersion(), deviceId)
        if (isConfigurationError(error)) configError = error
        command.fail(error)
      } else {
        command.fail(expiredUnsent(this.#ctx.state === 'online', command.spec.timeoutMs, this.#ctx.lastError, deviceId))
      }
    }
    if (configError !== undefined) this.#ctx.fail(configError)
    else if (wasSilent) this.checkLiveness()
  }

  /** A written command got no answer (timed out, aborted): send a heartbeat unless one is on its way. */
  checkLiveness(): void {
    if (this.#ctx.state === 'online' && this.#heartbeat === undefined) this.#startHeartbeat()
  }

  /**
   * §18.29: a 3.1-3.3 device drops frames it cannot decrypt; silence on a fresh connection to a
   * device that never answered us means a wrong key or version.
   * @returns the connection's version when the silence is such a fresh one, else undefined
   */
  #freshSilenceVersion(): ProtocolVersion | undefined {
    const version = this.#connection?.version
    return !this.hasProvenKey && this.#connectionFrames === 0 && version !== undefined && !VERSION_FACTS[version].hasHandshake ? version : undefined
  }

  /**
   * The connection is gone: written commands reject with ConnectionLostError (or go back to
   * the queue while they have retries), settling ones resolve with their acknowledgement.
   * @param error - why (becomes the cause)
   * @param isConfig - a wrong key/version: reject with that error instead
   * @param mayRetry - false when the caller disconnected
   */
  loseInFlight(error: Error, isConfig: boolean, mayRetry: boolean): void {
    for (const command of this.dispatcher.takeInFlight()) {
      if (command === this.#heartbeat) continue
      if (command.phase === 'settling') command.finish(command.ack!)
      else if (isConfig) command.fail(error)
      else if (mayRetry && command.retriesLeft > 0) {
        command.retriesLeft--
        command.phase = 'queued'
        this.dispatcher.enqueue(command)
      } else command.fail(lostAfterWrite(error, this.#ctx.config.deviceId))
    }
    // A heartbeat still queued belonged to the dead connection.
    if (this.#heartbeat !== undefined) this.dispatcher.remove(this.#heartbeat)
    this.#heartbeat = undefined
  }

  /** Rejects queued commands picked by `predicate` with `errorFor(command)`. */
  rejectQueued(predicate: (command: Command) => boolean, error: Error): void {
    for (const command of this.dispatcher.takeQueued(predicate)) command.fail(error)
  }

  /** A decoded device frame: pushes update the state, replies settle their command. */
  frame(frame: DecodedFrame, raw: Uint8Array): void {
    const message = this.#take(frame, raw)
    if (message === undefined) return
    const { config } = this.#ctx
    if (frame.cmd === CMD.STATUS) {
      // cmd 8 is always a push, even while a reply is awaited (§18.11, §18.12).
      if (message.type !== 'dps') return
      this.#applyDps(message.dps, message.cid, 'push')
      this.dispatcher.onDps(message.dps, message.cid)
      this.pump()
      return
    }
    if (message.type === 'dps') this.#applyDps(message.dps, message.cid, 'reply')
    const now = config.now()
    const version = this.#connection?.version
    const echoedSeq = version !== undefined && VERSION_FACTS[version].echoesSeq ? frame.seq : undefined
    const heartbeat = this.#heartbeat
    const outcome = this.dispatcher.onReply(frame.cmd, echoedSeq, frame.retcode, message, frame.text, now)
    if (outcome === 'unmatched') {
      if (message.type === 'dps') this.dispatcher.onDps(message.dps, message.cid)
      return
    }
    if (outcome === 'settling') this.#ctx.host.wakeAt(now + config.settleMs)
    this.pump()
    // Idle again: plan the keep-alive. After a command the timer of its deadline stays (one
    // spare tick later, instead of moving a timer on every reply of a busy device); after a
    // keep-alive heartbeat, the only thing left is the next one: move the timer there, so an
    // idle connection wakes once per heartbeatIntervalMs.
    if (this.isIdle()) this.#ctx.host.wakeAt(this.heartbeatDue(), heartbeat !== undefined && this.#heartbeat === undefined)
  }

  /** The answer to the auto probe's own query: its DPs become state; no command takes it as its reply. */
  #probeAnswer(frame: DecodedFrame, raw: Uint8Array): void {
    const message = this.#take(frame, raw)
    if (message?.type === 'dps') this.#applyDps(message.dps, message.cid, 'reply')
  }

  /** Counts and logs a decoded frame and parses its payload. @returns the message, or undefined for a bad payload (handled) */
  #take(frame: DecodedFrame, raw: Uint8Array): DeviceMessage | undefined {
    const { config } = this.#ctx
    this.#connectionFrames++
    this.#badFrames = 0
    if (this.#connection?.hasProvenKey === true) this.hasProvenKey = true
    if (config.logger !== undefined) config.logger(frameEntry(config.deviceId, 'in', frame.cmd, raw, frame.text))
    try {
      return parseDevicePayload(frame)
    } catch (error) {
      this.badFrame(error as Error, raw)
      return undefined
    }
  }

  #applyDps(dps: Dps, cid: string | undefined, source: 'push' | 'reply'): void {
    const state = this.cache.merge(dps, cid)
    this.#ctx.host.emit(cid === undefined ? { type: 'dps', dps, state, source } : { type: 'dps', dps, state, source, cid })
  }

  /**
   * A frame that failed its checks. On a connection whose key is not proven yet: a frame of
   * another version means a wrong version, and one that does not decrypt on 3.1-3.3 a wrong key.
   * Otherwise it is dropped (three in a row: reconnect).
   * @param raw - the frame as received
   */
  badFrame(error: Error, raw: Uint8Array): void {
    const connection = this.#connection
    if (connection === undefined) return
    const { config } = this.#ctx
    config.logger?.({ level: 'warn', deviceId: config.deviceId, message: `dropped a frame that failed its checks: ${error.message}`, error })
    const version = connection.version!
    const diagnosis = connection.diagnose(raw, error)
    if (diagnosis instanceof SessionWrongVersionError && diagnosis.seenVersion !== undefined) {
      this.#ctx.fail(versionMismatch(version, diagnosis.seenVersion, error, config.deviceId))
      return
    }
    if (diagnosis instanceof WrongLocalKeyError) {
      this.#ctx.fail(undecryptable(version, error, config.deviceId))
      return
    }
    if (++this.#badFrames >= MAX_BAD_FRAMES) this.#ctx.drop('protocol-error', outOfSync(MAX_BAD_FRAMES, error, config.deviceId))
  }
}

function readCmd(bytes: Uint8Array): number {
  // 55AA: cmd at 8..12; 6699: at 10..14.
  return readU32(bytes, bytes[2] === 0x55 ? 8 : 10)
}
