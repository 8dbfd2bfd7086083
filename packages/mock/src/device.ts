/**
 * `createMockDevice`: the sans-I/O {@link DeviceCore} wired to a TCP listener, timers and
 * (optionally) UDP discovery. This file only carries out the core's actions.
 */
import type { Dps, ProtocolVersion } from '@tuya/codec'
import { delay, startInterval, type Timer } from '@tuya/platform'
import { DeviceCore, type CoreAction } from './device-core.ts'
import { buildBeacon, buildSolicitationReply, parseSolicitation, type BeaconIdentity } from './discovery.ts'
import { BeaconsOffError, MockClosedError } from './errors.ts'
import { MockEventTarget } from './events.ts'
import { checkFaults, resolveOptions, type ResolvedConfig } from './options.ts'
import { listenTcp, type TcpConnection, type TcpListener } from './transport/tcp.ts'
import { SocketQueue } from './transport/socket-queue.ts'
import { openUdp, type UdpSocket } from './transport/udp.ts'
import type { MockConnectionInfo, MockDeviceOptions, MockFaults } from './types.ts'
import { checkDps } from './state.ts'

/** A running simulated device. See {@link createMockDevice}. */
export interface MockDevice extends MockEventTarget {
  readonly id: string
  /** The local key as a 16-character string. */
  readonly localKey: string
  readonly version: ProtocolVersion
  readonly host: string
  /** The bound TCP port. */
  readonly port: number
  /** The device's own DPs (a snapshot). */
  readonly dps: Dps
  /** Connected clients, oldest first. */
  readonly connections: readonly MockConnectionInfo[]
  /** The faults in force (a copy). */
  readonly faults: MockFaults
  /** 3.5 with beacons: the UDP port listening for solicitations, if any. */
  readonly solicitationPort: number | undefined
  /** The DPs of the device, or of sub-device `cid` (undefined for an unknown cid). */
  getDps(cid?: string): Dps | undefined
  /** Changes DPs from the device side (a button press) and pushes STATUS to every client. */
  setDps(dps: Dps, options?: { cid?: string; isSilent?: boolean }): void
  /** Adds or replaces a sub-device (gateway mode). */
  setSubdevice(cid: string, dps: Dps, options?: { isOnline?: boolean }): void
  /** Marks a sub-device online or offline (as `subdev_online_stat_query` reports it). */
  setSubdeviceOnline(cid: string, isOnline: boolean): void
  /** Adds, changes or (with `undefined`/`false`) clears faults. */
  setFaults(faults: MockFaults): void
  /** Clears every fault. */
  clearFaults(): void
  /** Writes junk bytes (default 32 random bytes) to every connected client. */
  sendGarbage(bytes?: Uint8Array): void
  /** Closes every client connection; the device keeps listening. */
  disconnectAll(): void
  /** Closes everything and listens again on the same port after `downtimeMs` (a reboot); DPs are kept. */
  restart(options?: { downtimeMs?: number }): Promise<void>
  /** Sends one UDP beacon now (requires the `beacon` option). */
  sendBeacon(): Promise<void>
  /** Stops the device: closes connections, listeners and timers. Idempotent. */
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

class MockDeviceImpl extends MockEventTarget implements MockDevice {
  readonly #config: ResolvedConfig
  readonly #core: DeviceCore
  readonly #sockets = new Map<number, SocketQueue>()
  #listener: TcpListener | undefined
  #udp: UdpSocket | undefined
  #solicit: UdpSocket | undefined
  #beaconTimer: Timer | undefined
  #isClosed = false
  #closing: Promise<void> | undefined
  #port = 0
  #signal: AbortSignal | undefined
  readonly #onAbort = () => void this.close()

  constructor(config: ResolvedConfig) {
    super()
    this.#config = config
    // The core skips building the per-frame events (frame, command, change) nobody listens for.
    this.#core = new DeviceCore(config, { hears: (type) => this.hears(type) })
  }

  get id(): string { return this.#config.id }
  get localKey(): string { return this.#config.localKeyText }
  get version(): ProtocolVersion { return this.#config.version }
  get host(): string { return this.#config.host }
  get port(): number { return this.#port }
  get dps(): Dps { return this.#core.store.get() as Dps }
  get connections(): readonly MockConnectionInfo[] { return this.#core.connections }
  get faults(): MockFaults { return this.#core.faults }
  get solicitationPort(): number | undefined { return this.#solicit?.port }

  async start(signal: AbortSignal | undefined): Promise<void> {
    this.#listener = await listenTcp({ host: this.#config.host, port: this.#config.port }, { onConnection: (conn) => this.#accept(conn) })
    // Later restarts reuse the port the OS gave us.
    this.#port = this.#listener.port
    try {
      await this.#startBeacons()
    } catch (error) {
      await this.close()
      throw error
    }
    this.#signal = signal
    signal?.addEventListener('abort', this.#onAbort, { once: true })
    this.emit('listening', { host: this.host, port: this.port })
  }

  async #startBeacons(): Promise<void> {
    const beacon = this.#config.beacon
    if (beacon !== undefined) {
      const bindAddress = /^\d+\.\d+\.\d+\.\d+$/.test(this.#config.host) ? this.#config.host : '127.0.0.1'
      // SO_BROADCAST is harmless for unicast, and a broadcast address need not end in .255 (a /25
      // has .127): enable it for every destination off loopback.
      this.#udp = await openUdp({ bindAddress, isBroadcast: !beacon.address.startsWith('127.') })
      if (this.#config.profile.beacon.answersSolicitation && beacon.solicitationPort !== false) {
        this.#solicit = await openUdp({ bindPort: beacon.solicitationPort, bindAddress: beacon.solicitationAddress ?? bindAddress, onMessage: (bytes) => void this.#onSolicitation(bytes) })
      }
      if (beacon.intervalMs > 0) {
        this.#beaconTimer = startInterval(beacon.intervalMs, () => void this.sendBeacon(), { keepAlive: false })
        void this.sendBeacon()
      }
    }
  }

  getDps(cid?: string): Dps | undefined { return this.#core.store.get(cid) }

  setDps(dps: Dps, options: { cid?: string; isSilent?: boolean } = {}): void {
    this.#run(this.#core.setDps(dps, options))
  }

  setSubdevice(cid: string, dps: Dps, options: { isOnline?: boolean } = {}): void {
    if (typeof cid !== 'string' || cid.length === 0) throw new TypeError('cid must be a non-empty string')
    if (!this.#config.isGateway) throw new RangeError('setSubdevice needs a gateway: create the device with the gateway option')
    this.#core.store.setChild(cid, checkDps(dps), options.isOnline ?? true)
  }

  setSubdeviceOnline(cid: string, isOnline: boolean): void {
    if (!this.#core.store.setOnline(cid, isOnline)) throw new RangeError(`cid ${cid} is not a sub-device of this gateway`)
  }

  setFaults(faults: MockFaults): void { this.#core.setFaults(checkFaults(faults)) }

  clearFaults(): void {
    const current = this.#core.faults
    this.#core.setFaults(Object.fromEntries(Object.keys(current).map((k) => [k, undefined])) as MockFaults)
  }

  sendGarbage(bytes?: Uint8Array): void { this.#run(this.#core.sendRaw(bytes)) }

  disconnectAll(): void { this.#run(this.#core.closeAll('shutdown', 'end')) }

  async restart(options: { downtimeMs?: number } = {}): Promise<void> {
    if (this.#isClosed) throw new MockClosedError('the mock device is closed; create a new one')
    const port = this.#port
    this.#run(this.#core.closeAll('shutdown'))
    await this.#listener?.close()
    this.#listener = undefined
    await delay(options.downtimeMs ?? 0)
    if (this.#isClosed) return
    this.#listener = await listenTcp({ host: this.#config.host, port }, { onConnection: (conn) => this.#accept(conn) })
    this.emit('listening', { host: this.host, port: this.port })
  }

  async sendBeacon(): Promise<void> {
    const beacon = this.#config.beacon
    if (beacon === undefined || this.#udp === undefined) throw new BeaconsOffError('beacons are off: create the device with the beacon option')
    const bytes = buildBeacon(this.#config.profile, this.#identity(), this.#config.random)
    await this.#udp.send(bytes, beacon.port, beacon.address)
    this.emit('beacon', { address: beacon.address, port: beacon.port, bytes })
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  async #shutdown(): Promise<void> {
    this.#isClosed = true
    this.#signal?.removeEventListener('abort', this.#onAbort)
    this.#beaconTimer?.cancel()
    this.#run(this.#core.closeAll('shutdown'))
    for (const entry of this.#sockets.values()) entry.dispose()
    await Promise.all([this.#listener?.close(), this.#udp?.close(), this.#solicit?.close()])
    this.#sockets.clear()
  }

  #identity(): BeaconIdentity {
    const beacon = this.#config.beacon!
    return { ip: beacon.ip, gwId: this.id, productKey: beacon.productKey, uuid: beacon.uuid, version: this.version }
  }

  async #onSolicitation(bytes: Uint8Array): Promise<void> {
    const request = parseSolicitation(bytes)
    const beacon = this.#config.beacon
    if (request === undefined || beacon === undefined || this.#udp === undefined) return
    // §14.2: the answer goes unicast to the ip written in the request, not to its source address.
    this.emit('solicitation', { ip: request.ip, port: beacon.replyPort })
    await this.#udp.send(buildSolicitationReply(this.#config.profile, this.#identity(), this.#config.random), beacon.replyPort, request.ip)
  }

  #accept(conn: TcpConnection): { onData(chunk: Uint8Array): void; onClose(): void } {
    const { connectionId, actions } = this.#core.accept({ remoteAddress: conn.remoteAddress, remotePort: conn.remotePort })
    const entry = new SocketQueue(conn, this.#config.idleTimeoutMs, () => this.#run(this.#core.idle(connectionId)))
    this.#sockets.set(connectionId, entry)
    this.#run(actions)
    return {
      onData: (chunk) => {
        try {
          this.#run(this.#core.receive(connectionId, chunk))
        } catch (error) {
          // A bug in the device logic must not take the test process down: report it, drop the client.
          this.emit('error', { error: error instanceof Error ? error : new Error(String(error)) })
          this.#run(this.#core.disconnect(connectionId, 'error'))
        }
      },
      onClose: () => {
        entry.dispose()
        this.#sockets.delete(connectionId)
        this.#run(this.#core.closed(connectionId))
      },
    }
  }

  #run(actions: CoreAction[]): void {
    for (const action of actions) {
      switch (action.type) {
        case 'event':
          this.emit(action.event.type, action.event.detail as never)
          break
        case 'touch':
          this.#sockets.get(action.connectionId)?.touch()
          break
        case 'write':
          this.#sockets.get(action.connectionId)?.write(action.delayMs, action.bytes)
          break
        case 'close': {
          const { mode } = action
          const entry = this.#sockets.get(action.connectionId)
          entry?.stopIdle()
          entry?.enqueue(action.delayMs, (conn) => (mode === 'end' ? conn.end() : mode === 'reset' ? conn.reset() : conn.destroy()))
          break
        }
      }
    }
  }
}

/**
 * Starts a simulated Tuya device listening on TCP (default 127.0.0.1, OS-assigned port).
 * @param options - version, id, localKey, dps, dev22, gateway, connection rules, faults, beacon, ...
 * @returns the running device, once it is listening
 * @throws RangeError/TypeError for bad options (device22 on 3.1/3.5, a bad key, ...), or the listen error
 * @example
 * ```ts
 * await using mock = await createMockDevice({ version: '3.4', localKey: '0123456789abcdef', dps: { '1': false } })
 * console.log(mock.port)          // connect a client to 127.0.0.1:mock.port
 * mock.setDps({ '1': true })      // a button press: pushes STATUS to the connected client
 * ```
 */
export async function createMockDevice(options: MockDeviceOptions = {}): Promise<MockDevice> {
  const config = resolveOptions(options)
  if (options.signal?.aborted === true) throw options.signal.reason
  const device = new MockDeviceImpl(config)
  await device.start(options.signal)
  return device
}
