/**
 * `createDevice()`: the device handle users hold. Thin: it validates arguments, turns calls
 * into commands for the engine (with signal and deadline), re-dispatches engine events as
 * typed DOM events, and offers `updates()` and gateway children via `subdevice(cid)`.
 */
import type { DpValue, Dps, JsonPayload, ProtocolVersion } from '@tuya/codec'
import type { CommandSpec, Reply } from './core/command.ts'
import type { ConnectedDetail, ConnectionState, DpsDetail, EngineEvent } from './core/events.ts'
import { heartbeatSpec, rawSpec, refreshSpec, setSpec, subdevicesSpec } from './core/specs.ts'
import { ClosedError } from './errors.ts'
import { DeviceEventTarget } from './events.ts'
import { awaitConnected, parseSubdeviceList, readStatus, type HandleAccess } from './operations.ts'
import { notifyObserver } from './observer.ts'
import { callSettings, resolveOptions } from './options.ts'
import { DELIVER, RESYNC, SharedConnection } from './shared.ts'
import type { CallOptions, DeviceOptions, RequestOptions, SubdeviceList, UpdatesOptions } from './types.ts'
import { iterateUpdates } from './updates.ts'

const HANDSHAKE_AND_PUSH_CMDS = new Set([3, 4, 5, 8])

/**
 * Creates a device's own handle together with its connection: for the fleet, which observes
 * the connection's events and starts it without a `connect()` promise (that would make an
 * abort signal, a timer and three listeners per device for an outcome that arrives as events
 * anyway). Internal.
 */
export function createConnectedHandle(options: DeviceOptions): { device: TuyaDevice; shared: SharedConnection } {
  const resolved = resolveOptions(options)
  const shared = new SharedConnection(resolved)
  return { device: new TuyaDevice(shared, resolved.cid, true), shared }
}

/** A Tuya device (or gateway child) on the LAN. See {@link createDevice}. */
export class TuyaDevice extends DeviceEventTarget {
  readonly #shared: SharedConnection
  readonly #cid: string | undefined
  readonly #isRoot: boolean
  #ends: Set<() => void> | undefined
  #children: Map<string, TuyaDevice> | undefined
  #isClosed = false

  /** @internal use createDevice() or subdevice() */
  constructor(shared: SharedConnection, cid: string | undefined, isRoot: boolean) {
    super()
    this.#shared = shared
    this.#cid = cid
    this.#isRoot = isRoot
    shared.attach(this, isRoot)
  }

  /** The device id (the gateway's for a child). */
  get id(): string { return this.#shared.options.engine.deviceId }
  /** The gateway child this handle addresses, if any. */
  get cid(): string | undefined { return this.#cid }
  /** The protocol version in use; with `'auto'`, undefined until the first connection found it. */
  get version(): ProtocolVersion | undefined { return this.#shared.engine.version }
  /** Where the connection stands. */
  get connectionState(): ConnectionState { return this.#shared.engine.state }
  /** Whether a connection is online now. */
  get online(): boolean { return this.#shared.engine.state === 'online' }
  /** The device speaks the device22 dialect (configured, 3.2, or detected). */
  get isDevice22(): boolean { return this.#shared.engine.isDevice22 }
  /** device22 DP ids known so far (probed or configured): persist them and pass them back as `dpIds`. */
  get device22DpIds(): readonly string[] { return [...(this.#shared.device22Ids ?? [])] }
  /** Children were seen or addressed (or `isGateway` was set). */
  get isGateway(): boolean { return this.#shared.isGateway }
  /** The last connection error, if any. */
  get lastError(): Error | undefined { return this.#shared.engine.lastError }
  /** Commands waiting to be sent, and sent but not answered. */
  get pending(): { queued: number; inFlight: number } { return { queued: this.#shared.engine.queued, inFlight: this.#shared.engine.inFlight } }
  /** The merged DP state (of this handle's cid), kept current by every push and reply. Frozen. */
  get state(): Readonly<Dps> { return this.#shared.engine.cache.get(this.#cid) }

  /**
   * Goes online and stays online (heartbeats, reconnects) until disconnect() or close().
   * Commands connect lazily anyway; call this to connect early or to learn the outcome.
   * @param options - signal; timeoutMs (default the device's): how long to wait for a connection
   * @returns the `connected` detail (version found, reconnect or not)
   * @throws WrongKeyError / WrongVersionError at once; OfflineError at the deadline (cause: last error), or at
   *   the first failed attempt with `reconnect: false` (reason 'no-reconnect'); with `failFast`, the first
   *   attempt's ConnectionError; ClosedError
   */
  async connect(options: Pick<CallOptions, 'signal' | 'timeoutMs' | 'failFast'> = {}): Promise<ConnectedDetail> {
    const { engine } = this.#shared
    if (this.#isClosed || engine.state === 'closed') return Promise.reject(new ClosedError('this device handle is closed; create a new one', { deviceId: this.id }))
    if (engine.state === 'online' && this.#shared.lastConnected !== undefined) return Promise.resolve(this.#shared.lastConnected)
    const { signal } = options
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    return awaitConnected(this, this.#shared, callSettings(this.#shared.options, options), signal)
  }

  /** Closes the connection and stops reconnecting (a later command connects again). Queued commands reject with OfflineError. */
  disconnect(): void {
    this.#shared.engine.disconnect()
  }

  /**
   * Reads all DPs (DP_QUERY / DP_QUERY_NEW; device22 CONTROL_NEW with null DPs, probing DP ids the first time).
   * @param options - signal, timeoutMs, retries, failFast
   * @returns the DPs the device reported (also merged into `state` and dispatched as a `dps` event)
   * @throws TimeoutError, OfflineError, ConnectionLostError, WrongKeyError, DeviceError subclasses, ClosedError, signal.reason
   */
  status(options?: CallOptions): Promise<Dps> {
    return readStatus(this.#access(), options)
  }

  /**
   * Sets one or many DPs (CONTROL / CONTROL_NEW). Resolves after the device's acknowledgement
   * with the DPs it reported: a reply with values, or the STATUS push that follows the ack
   * within `settleMs` (empty if the device reported nothing in that window).
   * @example await device.set({ '1': true, '2': 50 }); await device.set('1', false)
   */
  set(dps: Dps, options?: CallOptions): Promise<Dps>
  set(dp: string | number, value: DpValue, options?: CallOptions): Promise<Dps>
  async set(a: Dps | string | number, b?: DpValue | CallOptions, c?: CallOptions): Promise<Dps> {
    const isSingle = typeof a === 'string' || typeof a === 'number'
    const dps: Dps = isSingle ? { [String(a)]: b as DpValue } : a
    const options = isSingle ? c : (b as CallOptions | undefined)
    if (typeof dps !== 'object' || dps === null || Array.isArray(dps)) throw new TypeError('dps must be an object of DP id -> value, such as { "1": true }')
    if (Object.keys(dps).length === 0) throw new RangeError('dps must name at least one DP')
    const reply = await this.#call(setSpec(dps, this.#cid, callSettings(this.#shared.options, options)), options)
    return reply.dps ?? {}
  }

  /**
   * Asks the device to re-measure and report DPs (UPDATEDPS, cmd 18; metering plugs: 18/19/20).
   * @param dpIds - DP ids
   * @returns the DPs pushed within `settleMs` after the acknowledgement (often only those that changed)
   */
  async refresh(dpIds: readonly (number | string)[], options?: CallOptions): Promise<Dps> {
    if (!Array.isArray(dpIds) || dpIds.length === 0) throw new TypeError('dpIds must be a non-empty array of DP ids, such as [18, 19, 20]')
    const reply = await this.#call(refreshSpec(dpIds, this.#cid, callSettings(this.#shared.options, options)), options)
    return reply.dps ?? {}
  }

  /**
   * Sends a HEART_BEAT (cmd 9) and waits for its answer.
   * @returns the round-trip time in ms
   */
  async heartbeat(options?: CallOptions): Promise<number> {
    const settings = callSettings(this.#shared.options, options)
    const started = this.#shared.options.engine.now()
    await this.#call(heartbeatSpec(settings.timeoutMs, settings), options)
    return this.#shared.options.engine.now() - started
  }

  /**
   * Sends any other command and returns the answer with the same cmd (§12).
   * @param cmd - command number (not 3/4/5, the handshake, nor 8, which only devices send)
   * @param payload - JSON, text or bytes (default `{}`); CONTROL-like commands get the version header
   * @param options - expect (reply | collect | data | write), cid, signal, timeoutMs, retries, failFast
   * @throws RangeError for a bad cmd; DeviceError when the device answers with an error text
   */
  async request(cmd: number, payload: JsonPayload | Uint8Array | string = {}, options: RequestOptions = {}): Promise<Reply> {
    if (!Number.isInteger(cmd) || cmd < 0 || cmd > 0xffffffff) throw new RangeError(`cmd must be an unsigned 32-bit integer, got ${String(cmd)}`)
    if (HANDSHAKE_AND_PUSH_CMDS.has(cmd)) throw new RangeError(`cmd ${cmd} cannot be requested: 3/4/5 are the handshake (the client runs it) and 8 is a device push`)
    const expect = options.expect ?? 'reply'
    if (!['reply', 'collect', 'data', 'write'].includes(expect)) throw new RangeError(`options.expect must be reply, collect, data or write, got ${String(expect)}`)
    return await this.#call(rawSpec(cmd, payload, expect, options.cid ?? this.#cid, callSettings(this.#shared.options, options)), options)
  }

  /**
   * Asks a gateway which children are online (LAN_EXT_STREAM 64, `subdev_online_stat_query`).
   * @returns online and offline cids
   */
  async subdevices(options?: CallOptions): Promise<SubdeviceList> {
    this.#shared.isGateway = true
    return parseSubdeviceList(await this.#call(subdevicesSpec(callSettings(this.#shared.options, options)), options))
  }

  /**
   * A handle for gateway child `cid` that shares this handle's connection: its calls address
   * the child, its `state`, `dps` events and `updates()` are the child's.
   * @param cid - the child's node id
   */
  subdevice(cid: string): TuyaDevice {
    if (typeof cid !== 'string' || cid.length === 0) throw new TypeError('cid must be a non-empty string (a gateway child node id)')
    if (this.#isClosed) throw new ClosedError('this device handle is closed', { deviceId: this.id })
    this.#shared.isGateway = true
    let child = this.#children?.get(cid)
    if (child === undefined || child.#isClosed) {
      child = new TuyaDevice(this.#shared, cid, false)
      this.#children ??= new Map()
      this.#children.set(cid, child)
    }
    return child
  }

  /**
   * The `dps` events from now on as an async iterator (bounded buffer: the oldest reports are
   * dropped for a consumer that falls behind; `state` in each report stays right).
   * Ends when the handle closes; an aborted signal rejects the pending `next()`.
   */
  updates(options: UpdatesOptions = {}): AsyncIterableIterator<DpsDetail> {
    const size = options.bufferSize ?? 256
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`options.bufferSize must be an integer >= 1, got ${String(size)}`)
    return iterateUpdates(this, options.signal, size, (end) => {
      if (this.#isClosed) queueMicrotask(end)
      const ends = (this.#ends ??= new Set())
      ends.add(end)
      return () => ends.delete(end)
    })
  }

  /**
   * Closes the handle. The device's handle closes the connection: pending commands reject
   * with ClosedError and iterators end. A `subdevice()` handle only detaches itself.
   * @returns once the connection is closed
   */
  async close(): Promise<void> {
    if (this.#isClosed) return
    this.#isClosed = true
    if (this.#ends !== undefined) for (const end of [...this.#ends]) end()
    if (!this.#isRoot) {
      this.#shared.detach(this)
      return
    }
    if (this.#children !== undefined) for (const child of this.#children.values()) await child.close()
    this.#shared.engine.close()
    this.#shared.runtime.stopTimer()
    await this.#shared.runtime.whenClosed()
    // The connection is gone: wipe the imported local key (its session key went with it).
    this.#shared.options.engine.keyring.clear()
  }

  /**
   * After a reconnect, catch up with changes missed while offline; failures show up as events, not here.
   * @internal
   */
  [RESYNC](): void {
    void this.status().catch(() => {})
  }

  /** `await using device = createDevice(…)` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  #call(spec: CommandSpec, options: CallOptions | undefined): Promise<Reply> {
    if (this.#isClosed) return Promise.reject(new ClosedError('this device handle is closed; create a new one', { deviceId: this.id }))
    const signal = options?.signal
    if (signal === undefined) return new Promise((resolve, reject) => this.#shared.engine.submit(spec, resolve, reject))
    if (signal.aborted) return Promise.reject(signal.reason)
    const engine = this.#shared.engine
    return new Promise((resolve, reject) => {
      const onAbort = (): void => engine.abort(command, signal.reason)
      const command = engine.submit(spec, (reply) => {
        signal.removeEventListener('abort', onAbort)
        resolve(reply)
      }, (error) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      })
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** What the operations (status with device22 probing) need of the handle. */
  #access(): HandleAccess {
    return { shared: this.#shared, cid: this.#cid, call: (spec, options) => this.#call(spec, options) }
  }

  /**
   * An engine event for this handle (the connection's `Receiver`).
   * @internal
   */
  [DELIVER](event: EngineEvent): void {
    if (this.#isClosed && event.type !== 'state' && event.type !== 'disconnected') return
    const observer = this.#isRoot ? this.#shared.observer : undefined
    if (observer !== undefined) notifyObserver(observer, event)
    if (!this.hears(event.type)) return
    const { type, ...detail } = event
    this.emit(type, detail as never)
  }
}

/**
 * Creates a handle for one Tuya device on the LAN. Nothing is sent until the first command
 * (or `connect()`); then the connection stays up (heartbeats) and comes back after drops.
 *
 * @param options - id, key, host, version (`'3.1'`…`'3.5'` or `'auto'`), port, timeouts, …
 * @returns the device handle
 * @throws TypeError or RangeError for bad options
 * @example
 * const device = createDevice({ id: 'bf1234567890abcdefgh', key: '0123456789abcdef', host: '192.168.1.20', version: '3.4' })
 * device.addEventListener('dps', (e) => console.log(e.detail.dps))
 * await device.set({ '1': true })
 * await device.close()
 */
export function createDevice(options: DeviceOptions): TuyaDevice {
  return createConnectedHandle(options).device
}
