/**
 * The sans-I/O connection core of one device (quinn-proto / h11 style). Inputs: API calls
 * (`connect`, `submit`, `abort`, `disconnect`, `close`), transport callbacks (`onOpen`,
 * `onOpenFailed`, `onData`, `onClosed`) and `tick()` once the time it asked for has come.
 * Outputs go through an {@link EngineHost}: open a connection, write, hang up, wake me at,
 * events. No sockets, timers or clocks here: time comes from the injected `now`.
 * This file is the lifecycle (connect, fail, back off, reconnect); {@link Traffic} carries
 * the commands and frames of the current connection; the protocol state of that connection
 * (deframing, handshake or version probe, key, seqs) is a `Connection` of `@tuya/session`.
 */
import { VERSION_FACTS, type ProtocolVersion } from '@tuya/codec'
import type { Keyring, RandomSource } from '@tuya/crypto'
import { createConnection, type Connection } from '@tuya/session'
import { certainFailureOf, ClosedError, isConfigurationError, OfflineError } from '../errors.ts'
import { backoffDelay, type BackoffOptions } from './backoff.ts'
import { Command, type BuildContext, type CommandSpec, type Reply } from './command.ts'
import type { DpsCache } from './dps-state.ts'
import type { ConnectionState, DisconnectReason, EngineEvent } from './events.ts'
import { closedWhileConnecting, connectionEnded, connectTimeout, offline, openFailed } from './failures.ts'
import type { Logger } from './log.ts'
import { Traffic, type TrafficContext } from './traffic.ts'

/** Settings of the engine (resolved options). */
export interface EngineConfig {
  deviceId: string
  localKey: Uint8Array
  /** `undefined`: detect (`version: 'auto'`). */
  version: ProtocolVersion | undefined
  isDevice22: boolean
  connectTimeoutMs: number
  heartbeatIntervalMs: number
  heartbeatTimeoutMs: number
  maxInFlight: number
  settleMs: number
  reconnect: BackoffOptions | false
  /** A connection that lived this long resets the backoff. */
  stableAfterMs: number
  maxFrameBytes: number
  now: () => number
  random: RandomSource
  /** The handle's imported keys (and so its crypto backend); cleared when the handle closes. */
  keyring: Keyring
  jitter: () => number
  logger: Logger | undefined
}

/** What the engine asks of its adapter. */
export interface EngineHost {
  /** Open connection number `attempt`; answer with onOpen / onOpenFailed. */
  open(attempt: number): void
  write(bytes: Uint8Array): void
  /** Close the current connection (or abort its opening); its later callbacks are ignored. */
  hangUp(): void
  /**
   * Call `tick()` at (or after) this time. A host may keep an earlier timer (a spare tick is
   * harmless) unless `isExact`: then nothing is needed before `timeMs` and an earlier timer
   * should be moved (the engine says so only when going idle, not per command).
   */
  wakeAt(timeMs: number, isExact?: boolean): void
  emit(event: EngineEvent): void
}

/**
 * One device's connection lifecycle, command queue and state. It is itself the context of its
 * {@link Traffic} (which acts on the steps of each connection machine).
 */
export class Engine implements TrafficContext {
  readonly config: EngineConfig
  readonly host: EngineHost
  readonly #traffic: Traffic
  #state: ConnectionState = 'idle'
  #attempt = 0
  #connection: Connection | undefined
  #version: ProtocolVersion | undefined
  #isDevice22: boolean
  #wantOnline = false
  #hasBeenOnline = false
  #failures = 0
  #lastError: Error | undefined
  #isConfigFailure = false
  #connectDeadline = Infinity
  #reconnectAt = Infinity
  #onlineSince = 0

  /**
   * @param config - resolved settings
   * @param host - the I/O adapter
   */
  constructor(config: EngineConfig, host: EngineHost) {
    this.config = config
    this.host = host
    this.#version = config.version
    this.#isDevice22 = config.isDevice22
    this.#traffic = new Traffic(this)
  }

  get state(): ConnectionState { return this.#state }
  get version(): ProtocolVersion | undefined { return this.#version }
  get isDevice22(): boolean { return this.#isDevice22 }
  get lastError(): Error | undefined { return this.#lastError }
  get queued(): number { return this.#traffic.dispatcher.queued }
  get inFlight(): number { return this.#traffic.dispatcher.inFlight }
  get cache(): DpsCache { return this.#traffic.cache }

  /** Switches the device to the device22 dialect (detected from a refusal, §9). */
  setDevice22(): void {
    if (!this.#isDevice22) this.config.logger?.({ level: 'info', deviceId: this.config.deviceId, message: 'the device refused the normal status query: switching to the device22 dialect' })
    this.#isDevice22 = true
  }

  /** Go online (and stay online, reconnecting, until disconnect/close). */
  connect(): void {
    if (this.#state === 'closed') throw new ClosedError('this device handle is closed; create a new one', { deviceId: this.config.deviceId })
    this.#wantOnline = true
    if (this.#state === 'idle') this.#startAttempt()
  }

  /**
   * Queues a command (connecting first if needed).
   * @returns the command (for abort); the caller's promise settles through resolve/reject
   */
  submit(spec: CommandSpec, resolve: (reply: Reply) => void, reject: (error: unknown) => void): Command {
    const command = new Command(spec, this.config.now(), resolve, reject)
    const refusal = this.#refusal(spec)
    if (refusal !== undefined) {
      command.fail(refusal)
      return command
    }
    this.host.wakeAt(command.deadline)
    this.#wantOnline = true
    this.#traffic.enqueue(command)
    if (this.#state === 'idle') this.#startAttempt()
    return command
  }

  /** Takes a command out and rejects it with `reason` (an aborted signal). */
  abort(command: Command, reason: unknown): void {
    const wasWritten = command.phase === 'written'
    if (!this.#traffic.dispatcher.remove(command)) return
    command.fail(reason)
    // Its answer may still come: a heartbeat tells when the cmd is free again (see Dispatcher).
    if (wasWritten && this.#state === 'online') this.#traffic.checkLiveness()
    this.#traffic.pump()
  }

  /** Closes the connection and stops reconnecting; queued commands reject with OfflineError. */
  disconnect(): void {
    this.#wantOnline = false
    if (this.#state === 'closed' || this.#state === 'idle') return
    const wasOnline = this.#state === 'online'
    const error = new OfflineError('disconnect() was called', { reason: 'disconnected', deviceId: this.config.deviceId })
    this.#hangUp()
    this.#traffic.loseInFlight(error, false, false)
    this.#traffic.rejectQueued(() => true, error)
    this.#setState('idle')
    if (wasOnline) this.host.emit({ type: 'disconnected', reason: 'disconnect', willReconnect: false })
  }

  /** Closes for good: every pending command rejects with ClosedError. */
  close(): void {
    if (this.#state === 'closed') return
    const wasOnline = this.#state === 'online'
    this.#hangUp()
    // An Error captures a stack trace (microseconds): build it only for commands to reject.
    const { dispatcher } = this.#traffic
    if (dispatcher.inFlight > 0 || dispatcher.queued > 0) {
      const error = new ClosedError('the device handle was closed', { deviceId: this.config.deviceId })
      this.#traffic.loseInFlight(error, true, false)
      this.#traffic.rejectQueued(() => true, error)
    }
    this.#setState('closed')
    if (wasOnline) this.host.emit({ type: 'disconnected', reason: 'close', willReconnect: false })
  }

  /**
   * Connection `attempt` waits for a slot of a shared connect gate: no connect deadline while
   * queued (the commands waiting for it keep their own deadlines), so that many devices behind
   * a small gate do not time out before they had a chance to try.
   */
  onQueued(attempt: number): void {
    if (attempt === this.#attempt && this.#state === 'connecting') this.#connectDeadline = Infinity
  }

  /** Connection `attempt` starts dialing now (a gate slot was acquired): `connectTimeoutMs` counts from here. */
  onDialing(attempt: number): void {
    if (attempt !== this.#attempt || this.#state !== 'connecting') return
    this.#connectDeadline = this.config.now() + this.config.connectTimeoutMs
    this.host.wakeAt(this.#connectDeadline)
  }

  /** Connection `attempt` is open. @returns false when it is no longer wanted (close it then). */
  onOpen(attempt: number): boolean {
    if (attempt !== this.#attempt || this.#state !== 'connecting') return false
    const { localKey, deviceId, random, keyring, maxFrameBytes } = this.config
    const connection = createConnection({ role: 'client', version: this.#version ?? 'auto', localKey, devId: deviceId, random, keyring, maxFrameBytes })
    this.#connection = connection
    this.#traffic.attach(connection)
    this.#traffic.apply(connection.open(this.config.now(), this.#connectDeadline))
    return true
  }

  /** Connection `attempt` could not be opened. */
  onOpenFailed(attempt: number, error: Error): void {
    if (attempt === this.#attempt && this.#state === 'connecting') this.fail(openFailed(error, this.config.deviceId))
  }

  /** Bytes arrived on connection `attempt`. */
  onData(attempt: number, bytes: Uint8Array): void {
    const connection = this.#connection
    if (attempt === this.#attempt && connection !== undefined) this.#traffic.apply(connection.receive(bytes))
  }

  /** Connection `attempt` closed (by the device, or an error). */
  onClosed(attempt: number, error?: Error): void {
    if (attempt !== this.#attempt || this.#connection === undefined) return
    const { deviceId } = this.config
    if (this.#state === 'connecting') this.fail(closedWhileConnecting(this.#version === undefined, error, deviceId))
    else if (this.#state === 'online') this.#end(error === undefined ? 'remote-close' : 'error', connectionEnded(error, deviceId), false)
  }

  /** The time asked for with `wakeAt` has come (timers may fire early or late; both are fine). */
  tick(): void {
    const now = this.config.now()
    if (this.#state === 'connecting') {
      // Once open, the connection machine keeps the deadline (it knows what it waits for).
      const connection = this.#connection
      if (connection !== undefined) this.#traffic.apply(connection.poll(now))
      else if (now >= this.#connectDeadline) this.fail(connectTimeout({ isOpen: false, version: this.#version, hasProvenKey: this.#traffic.hasProvenKey, timeoutMs: this.config.connectTimeoutMs }, this.config.deviceId))
    }
    if (this.#state === 'backoff' && now >= this.#reconnectAt) this.#startAttempt()
    this.#traffic.expire(now)
    if (this.#state === 'online') {
      this.#traffic.keepAlive(now)
      this.#traffic.pump()
    }
    let at = this.#traffic.nextWake()
    if (this.#state === 'connecting') at = Math.min(at, this.#connectDeadline)
    if (this.#state === 'backoff') at = Math.min(at, this.#reconnectAt)
    if (at !== Infinity) this.host.wakeAt(at)
  }

  #refusal(spec: CommandSpec): Error | undefined {
    const { deviceId } = this.config
    if (this.#state === 'closed') return new ClosedError('this device handle is closed; create a new one', { deviceId })
    // A wrong key or version does not fix itself: fail at once until a connection succeeds.
    if (this.#isConfigFailure && this.#state === 'backoff') {
      const error = this.#lastError!
      return certainFailureOf(error) === 'permission-denied' ? offline(error, 'permission-denied', deviceId) : error
    }
    if (spec.failFast && this.#failures > 0 && this.#state !== 'online') {
      return new OfflineError(`the device is offline (failFast): ${this.#lastError?.message ?? 'the last connection attempt failed'}`, { reason: 'fail-fast', cause: this.#lastError, deviceId })
    }
    return undefined
  }

  #startAttempt(): void {
    this.#attempt++
    this.#reconnectAt = Infinity
    this.#connectDeadline = this.config.now() + this.config.connectTimeoutMs
    this.#setState('connecting')
    this.host.wakeAt(this.#connectDeadline)
    this.host.open(this.#attempt)
  }

  /** {@link TrafficContext.buildContext}: what a command's payload is built with. */
  buildContext(): BuildContext {
    return { version: this.#version!, devId: this.config.deviceId, t: Math.floor(this.config.now() / 1000), isDevice22: this.#isDevice22 }
  }

  /** {@link TrafficContext.onReady}: the connection is established (version known, key proven). */
  onReady(version: ProtocolVersion, isDevice22: boolean): void {
    const isDetected = this.#version === undefined
    this.#version = version
    if (isDevice22 || VERSION_FACTS[version].device22 === 'always') this.#isDevice22 = true
    const now = this.config.now()
    this.#traffic.begin(now)
    this.#connectDeadline = Infinity
    this.#onlineSince = now
    this.#isConfigFailure = false
    const isReconnect = this.#hasBeenOnline
    this.#hasBeenOnline = true
    if (isDetected) this.config.logger?.({ level: 'info', deviceId: this.config.deviceId, message: `detected protocol version ${version}${this.#isDevice22 ? ' (device22 dialect)' : ''}` })
    this.#setState('online')
    this.host.emit({ type: 'connected', version, isReconnect, isVersionDetected: isDetected })
    if (this.#state !== 'online') return
    this.#traffic.pump()
    const at = this.#traffic.nextWake()
    if (at !== Infinity) this.host.wakeAt(at)
  }

  /** {@link TrafficContext.fail}: the connection (attempt) cannot be used: a failed attempt, or a failure while online. */
  fail(error: Error): void {
    const isConfig = isConfigurationError(error)
    if (this.#state === 'online') this.#end(isConfig ? 'wrong-key-or-version' : 'protocol-error', error, isConfig)
    else if (this.#state === 'connecting') {
      this.#hangUp()
      this.#afterFailure(error, isConfig, false, undefined)
    }
  }

  /** {@link TrafficContext.drop}: the online connection is dead. */
  drop(reason: DisconnectReason, error: Error): void {
    this.#end(reason, error, false)
  }

  /** Ends an online connection. */
  #end(reason: DisconnectReason, error: Error, isConfig: boolean): void {
    if (this.#state !== 'online') return
    this.#hangUp()
    this.#traffic.loseInFlight(error, isConfig, true)
    this.#afterFailure(error, isConfig, true, reason)
  }

  #afterFailure(error: Error, isConfig: boolean, wasOnline: boolean, reason: DisconnectReason | undefined): void {
    const now = this.config.now()
    const { deviceId, reconnect } = this.config
    if (wasOnline && now - this.#onlineSince >= this.config.stableAfterMs) this.#failures = 0
    this.#failures++
    this.#lastError = error
    this.#isConfigFailure = isConfig
    const willReconnect = reconnect !== false && this.#wantOnline
    // A refusal, a name that does not resolve, a missing permission: the reason says which, for
    // the commands that give up at the first failed attempt.
    const certain = certainFailureOf(error)
    if (certain === 'permission-denied') this.#traffic.rejectQueued(() => true, offline(error, certain, deviceId))
    else if (isConfig) this.#traffic.rejectQueued(() => true, error)
    else {
      this.#traffic.rejectQueued((c) => c.spec.failFast, offline(error, certain ?? 'connection-failed', deviceId))
      if (!willReconnect) this.#traffic.rejectQueued(() => true, offline(error, certain ?? 'no-reconnect', deviceId))
    }
    let delayMs: number | undefined
    if (willReconnect) {
      delayMs = backoffDelay(reconnect, this.#failures, isConfig, this.config.jitter())
      this.#reconnectAt = now + delayMs
      this.#setState('backoff')
      this.host.wakeAt(this.#reconnectAt)
    } else this.#setState('idle')
    if (wasOnline) this.host.emit({ type: 'disconnected', reason: reason ?? 'error', error, willReconnect, ...(delayMs === undefined ? {} : { reconnectDelayMs: delayMs }) })
    if (reason !== 'remote-close') this.host.emit({ type: 'error', error })
  }

  #hangUp(): void {
    this.#connection?.close()
    this.#connection = undefined
    this.#traffic.detach()
    this.#connectDeadline = Infinity
    this.host.hangUp()
  }

  #setState(state: ConnectionState): void {
    const previous = this.#state
    if (previous === state) return
    this.#state = state
    this.host.emit({ type: 'state', state, previous })
  }
}
