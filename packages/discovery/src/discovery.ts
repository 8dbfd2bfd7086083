/**
 * `createDiscovery`: the sans-I/O {@link DiscoveryCore} wired to UDP sockets, a clock and the
 * 3.5 solicitation timer. This file only moves datagrams and events; decoding is in the core.
 */
import type { RandomSource } from '@tuya/crypto'
import { systemClock, type Clock, type Timer } from '@tuya/platform'
import type { DiscoveryPorts } from './constants.ts'
import { DiscoveryCore } from './core.ts'
import { encodeSolicitation } from './encode-solicitation.ts'
import { DiscoveryClosedError } from './errors.ts'
import { DiscoveryEventTarget } from './events.ts'
import { optionError } from './option-error.ts'
import { resolvePorts, resolveSolicit, type DiscoveryOptions, type ResolvedSolicit } from './options.ts'
import { localAddressFor } from './transport/interfaces.ts'
import type { DatagramSocket } from './transport/types.ts'
import { udpTransport } from './transport/udp.ts'
import type { DatagramSource, DebugLogger, DiscoveredDevice, DeviceUpdate, DiscoveryStats } from './types.ts'
import { findDevice, scanDevices, streamUpdates, type FindOptions, type ScanOptions, type UpdatesOptions } from './waiters.ts'

/** A running discovery: listening on its ports until `close()`. See {@link createDiscovery}. */
export interface Discovery extends DiscoveryEventTarget {
  /** The bound local ports by role (OS-assigned ones resolved). */
  readonly ports: Readonly<Partial<DiscoveryPorts>>
  /** A snapshot of the counters. */
  readonly stats: DiscoveryStats
  readonly isClosed: boolean
  /** Every device seen so far, in the order first seen (JSON-serialisable records). */
  devices(): DiscoveredDevice[]
  /** The record of one device id, if seen. */
  get(id: string): DiscoveredDevice | undefined
  /** New and updated devices as they come; ends when `signal` aborts or the discovery closes. */
  updates(options?: UpdatesOptions): AsyncIterableIterator<DeviceUpdate>
  /** Devices seen within `timeoutMs`, or fewer ms once every one of `ids` has been seen. */
  scan(options?: ScanOptions): Promise<DiscoveredDevice[]>
  /** One device by id: at once when already seen, else at its next beacon. */
  find(id: string, options?: FindOptions): Promise<DiscoveredDevice>
  /** Sends one solicitation now (requires the `solicit` option). */
  solicit(): Promise<void>
  /** Stops listening, ends streams and scans. Idempotent. */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/** Avoids a burst when `scan()` is called right after a solicitation went out. */
const SOLICIT_MIN_GAP_MS = 1000

class DiscoveryImpl extends DiscoveryEventTarget implements Discovery {
  readonly #core: DiscoveryCore
  readonly #clock: Clock
  readonly #debug: DebugLogger | undefined
  readonly #random: RandomSource | undefined
  readonly #solicitConfig: ResolvedSolicit | undefined
  readonly #sockets = new Map<keyof DiscoveryPorts, DatagramSocket>()
  readonly #onClose = new Set<() => void>()
  #solicitTimer: Timer | undefined
  #lastSolicitMs = -Infinity
  #closing: Promise<void> | undefined

  constructor(options: DiscoveryOptions, solicit: ResolvedSolicit | undefined) {
    super()
    this.#core = new DiscoveryCore(options)
    this.#clock = options.clock ?? systemClock
    this.#debug = options.debug
    this.#random = options.random
    this.#solicitConfig = solicit
  }

  get ports(): Readonly<Partial<DiscoveryPorts>> {
    return Object.freeze(Object.fromEntries([...this.#sockets].map(([role, s]) => [role, s.port])))
  }

  get stats(): DiscoveryStats {
    return this.#core.stats
  }

  get isClosed(): boolean {
    return this.#closing !== undefined
  }

  async start(options: DiscoveryOptions): Promise<void> {
    const transport = options.transport ?? udpTransport()
    const address = options.bindAddress ?? '0.0.0.0'
    try {
      for (const [role, port] of resolvePorts(options.ports)) {
        let bound: DatagramSocket | undefined
        bound = await transport.open({
          port,
          address,
          isBroadcast: this.#solicitConfig !== undefined,
          onMessage: (bytes, source) => this.#receive(bytes, source, bound?.port ?? port),
          onError: (error) => this.#fail(error, `UDP ${port}`),
        })
        this.#sockets.set(role, bound)
      }
    } catch (error) {
      await Promise.all([...this.#sockets.values()].map((s) => s.close()))
      this.#sockets.clear()
      throw error
    }
    this.#log('listening', { address, ports: this.ports })
    // Failed sends are counted (stats.sendErrors) and logged by solicit(); the timer goes on.
    if (this.#solicitConfig !== undefined) {
      this.#solicitTimer = this.#clock.startInterval(this.#solicitConfig.intervalMs, () => void this.solicit().catch(() => {}))
      void this.solicit().catch(() => {})
    }
    const signal = options.signal
    if (signal !== undefined) {
      const onAbort = () => void this.close()
      signal.addEventListener('abort', onAbort, { once: true })
      this.#onClose.add(() => signal.removeEventListener('abort', onAbort))
    }
  }

  devices(): DiscoveredDevice[] {
    return this.#core.devices()
  }

  get(id: string): DiscoveredDevice | undefined {
    return this.#core.get(id)
  }

  updates(options: UpdatesOptions = {}): AsyncIterableIterator<DeviceUpdate> {
    this.#checkOpen()
    return streamUpdates(this.#context(), options)
  }

  scan(options: ScanOptions = {}): Promise<DiscoveredDevice[]> {
    this.#checkOpen()
    const scanning = scanDevices(this.#context(), options) // checks the options first
    this.#solicitIfDue()
    return scanning
  }

  find(id: string, options: FindOptions = {}): Promise<DiscoveredDevice> {
    this.#checkOpen()
    const finding = findDevice(this.#context(), id, options) // checks the arguments first
    if (this.#core.get(id) === undefined) this.#solicitIfDue()
    return finding
  }

  async solicit(): Promise<void> {
    this.#checkOpen()
    const config = this.#solicitConfig
    if (config === undefined) throw optionError(TypeError, 'solicit', 'solicit() needs the `solicit` option ({ address: "<your broadcast address>" })', 'missing')
    const socket = this.#sockets.get('replies') ?? [...this.#sockets.values()][0]!
    const bytes = encodeSolicitation(this.#random === undefined ? { ip: config.ip } : { ip: config.ip, random: this.#random })
    this.#lastSolicitMs = this.#clock.now()
    try {
      await socket.send(bytes, config.port, config.address)
    } catch (error) {
      this.#core.noteSolicitation(false)
      this.#log('solicitation not sent', { address: config.address, port: config.port, error: (error as Error).message })
      throw error
    }
    this.#core.noteSolicitation(true)
    this.#log('solicitation sent', { address: config.address, port: config.port, ip: config.ip })
    this.emit('solicit', { address: config.address, port: config.port, ip: config.ip })
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#solicitTimer?.cancel()
      for (const finish of [...this.#onClose]) finish()
      await Promise.all([...this.#sockets.values()].map((s) => s.close()))
      this.#log('closed', { stats: this.#core.stats })
    })()
    return this.#closing
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close()
  }

  #context() {
    return {
      target: this as DiscoveryEventTarget,
      clock: this.#clock,
      get: (id: string) => this.#core.get(id),
      devices: () => this.#core.devices(),
      onClose: (finish: () => void) => {
        this.#onClose.add(finish)
        return () => void this.#onClose.delete(finish)
      },
    }
  }

  #solicitIfDue(): void {
    if (this.#solicitConfig === undefined || this.#clock.now() - this.#lastSolicitMs < SOLICIT_MIN_GAP_MS) return
    void this.solicit().catch(() => {})
  }

  #receive(bytes: Uint8Array, source: DatagramSource, localPort: number): void {
    if (this.#closing !== undefined) return
    try {
      const result = this.#core.receive(bytes, source, localPort, this.#clock.now())
      if (result.type === 'ignored') {
        const count = this.#core.stats.ignored[result.reason]
        this.#log(`ignored datagram: ${result.reason}`, { message: result.message, from: `${source.address}:${source.port}`, localPort, byteLength: bytes.length, count })
        this.emit('ignored', { reason: result.reason, message: result.message, source, localPort, byteLength: bytes.length })
        return
      }
      const { device, change } = result
      if (change !== undefined) {
        this.#log(`${change} device ${device.id}`, { ip: device.ip, source: device.source.address, version: device.version, framing: device.framing })
        this.emit('device', { change, device })
      }
      this.emit('beacon', { device })
    } catch (error) {
      // A throw here is a bug (or a throwing listener); report it instead of crashing the socket.
      this.#fail(error instanceof Error ? error : new Error(String(error)), 'listener')
    }
  }

  #fail(error: Error, where: string): void {
    this.emit('error', { error })
    this.#log(`error (${where})`, { error: error.message })
  }

  #log(message: string, fields: Record<string, unknown>): void {
    if (this.#debug === undefined) return
    try {
      this.#debug(`@tuya/discovery: ${message}`, fields)
    } catch (error) {
      // A throwing debug hook must not break a socket handler; it is reported, not swallowed.
      this.emit('error', { error: error instanceof Error ? error : new Error(String(error)) })
    }
  }

  #checkOpen(): void {
    if (this.#closing !== undefined) throw new DiscoveryClosedError('this discovery is closed; create a new one')
  }
}

/**
 * Starts listening for Tuya beacons on UDP 6666, 6667 and 7000 (shared with other listeners
 * through SO_REUSEADDR) and, if asked, sends 3.5 solicitations to the given address.
 *
 * @param options - ports, bindAddress, solicit, limits, debug, transport, clock, signal
 * @returns the running discovery, once every port is bound
 * @throws DiscoveryBindError (TUYA_ERR_DISCOVERY_BIND) naming the port and its likely holder
 * @throws TypeError or RangeError for bad options, with `option` (such as `'solicit.ip'`) and `reason`
 *   (`'no-interface'`: no local interface is on the network of `solicit.address`); see `isDiscoveryOptionError`
 * @example
 * await using discovery = await createDiscovery({ solicit: { address: '192.168.1.255' } })
 * discovery.addEventListener('device', (e) => console.log(e.detail.change, e.detail.device.id))
 * const devices = await discovery.scan({ timeoutMs: 6000 })
 */
export async function createDiscovery(options: DiscoveryOptions = {}): Promise<Discovery> {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object')
  if (options.signal?.aborted === true) throw options.signal.reason
  // A discovery bound to one address answers from there; otherwise ask the interfaces.
  const bound = options.bindAddress
  const ownAddress = bound !== undefined && bound !== '0.0.0.0' ? () => bound : localAddressFor
  const discovery = new DiscoveryImpl(options, resolveSolicit(options.solicit, ownAddress))
  await discovery.start(options)
  return discovery
}
