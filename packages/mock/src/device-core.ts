/**
 * The sans-I/O core of a simulated device: the shared DP store, the connections, the
 * connection policy (how many clients, what happens to an extra one) and the output faults.
 * The socket adapter feeds it events (accept, bytes, close, idle) and carries out the
 * actions it returns, in order.
 */
import { randomBytes } from '@tuya/crypto'
import { DeviceConnection, type ConnectionOutput, type MockEvent } from './connection.ts'
import type { PushRequest } from './handlers.ts'
import type { ResolvedConfig } from './options.ts'
import { checkDps, DpStore } from './state.ts'
import type { CloseReason, MockConnectionInfo, MockDeviceEventDetails, MockDeviceEventType, MockFaults } from './types.ts'
import type { Dps } from '@tuya/codec'

/** What the adapter must do, in order. */
export type CoreAction =
  /** Write bytes with one write call, after `delayMs` (order is kept even with delays). */
  | { type: 'write'; connectionId: number; bytes: Uint8Array; delayMs: number }
  /** Close a connection: `end` (FIN after pending writes), `destroy` (at once) or `reset` (RST). */
  | { type: 'close'; connectionId: number; mode: 'end' | 'destroy' | 'reset'; delayMs: number }
  /** Restart the idle timer of a connection. */
  | { type: 'touch'; connectionId: number }
  | { type: 'event'; event: MockEvent }

/** Options of {@link DeviceCore}. */
export interface DeviceCoreOptions {
  /**
   * Whether events of `type` are wanted (default: all). The per-frame events (`frame`,
   * `command`, `change` from a client) are not even built for a type it rejects.
   */
  hears?: (type: MockDeviceEventType) => boolean
}

const HEARS_ALL = (): boolean => true

function event<K extends MockDeviceEventType>(type: K, detail: MockDeviceEventDetails[K]): CoreAction {
  return { type: 'event', event: { type, detail } as MockEvent }
}

/** The device: shared state, connections and rules, without any I/O. */
export class DeviceCore {
  readonly config: ResolvedConfig
  readonly store: DpStore
  #faults: MockFaults
  readonly #connections = new Map<number, { conn: DeviceConnection; info: MockConnectionInfo }>()
  readonly #hears: (type: MockDeviceEventType) => boolean
  #nextId = 1
  #serial: number

  /**
   * @param config - resolved options
   * @param options - `hears`: which events to build (the adapter passes the types with listeners)
   */
  constructor(config: ResolvedConfig, options: DeviceCoreOptions = {}) {
    this.config = config
    this.#hears = options.hears ?? HEARS_ALL
    this.store = new DpStore(config.dps, config.subdevices, config.acceptUnknownDps)
    this.#faults = { ...(config.faults ?? {}) }
    this.#serial = config.serialStart
  }

  /** The faults in force (a copy). */
  get faults(): MockFaults {
    return { ...this.#faults }
  }

  /** Replaces some faults; `undefined` values clear them. */
  setFaults(faults: MockFaults): void {
    const next: Record<string, unknown> = { ...this.#faults }
    for (const [name, value] of Object.entries(faults)) {
      if (value === undefined || value === false) delete next[name]
      else next[name] = value
    }
    this.#faults = next as MockFaults
  }

  /** The connected clients, oldest first. */
  get connections(): MockConnectionInfo[] {
    return [...this.#connections.values()].map((c) => c.info)
  }

  /**
   * A TCP client connected. Applies `maxConnections` and `onExtraConnection`.
   * @param remote - the peer's address and port
   * @returns the new connection's id and what to do
   */
  accept(remote: { remoteAddress: string; remotePort: number }): { connectionId: number; actions: CoreAction[] } {
    const connectionId = this.#nextId++
    const info: MockConnectionInfo = { connectionId, ...remote }
    const actions: CoreAction[] = [event('connection', info)]
    if (this.#connections.size >= this.config.maxConnections) {
      const policy = this.config.onExtraConnection
      if (policy === 'replace') {
        // §13/§16: the new connection supersedes the oldest one.
        const oldest = this.#connections.keys().next().value as number
        actions.push(...this.#closeConnection(oldest, 'replaced', 'end'))
      } else {
        actions.push({ type: 'close', connectionId, mode: policy === 'reset' ? 'reset' : 'end', delayMs: 0 })
        actions.push(event('close', { connectionId, reason: policy === 'reset' ? 'reset' : 'refused' }))
        return { connectionId, actions }
      }
    }
    const conn = new DeviceConnection(connectionId, { config: this.config, store: this.store, faults: () => this.#faults, hears: this.#hears })
    this.#connections.set(connectionId, { conn, info })
    actions.push({ type: 'touch', connectionId })
    return { connectionId, actions }
  }

  /**
   * Bytes arrived on a connection.
   * @param connectionId - the connection
   * @param chunk - received bytes (a Node Buffer as read from the socket is fine)
   * @returns what to do
   */
  receive(connectionId: number, chunk: Uint8Array): CoreAction[] {
    const entry = this.#connections.get(connectionId)
    if (entry === undefined) return []
    const actions: CoreAction[] = []
    this.#process(connectionId, entry.conn.receive(chunk), actions)
    return actions
  }

  /**
   * The socket closed (peer, error, or after our own close).
   * @returns the `close` event if the device had not closed it itself
   */
  closed(connectionId: number, reason: CloseReason = 'client'): CoreAction[] {
    const entry = this.#connections.get(connectionId)
    if (entry === undefined) return []
    this.#connections.delete(connectionId)
    entry.conn.markClosed()
    return [event('close', { connectionId, reason })]
  }

  /** No inbound frame for `idleTimeoutMs`: close, as firmware does after ~30 s (§13). */
  idle(connectionId: number): CoreAction[] {
    return this.#closeConnection(connectionId, 'idle-timeout', 'end')
  }

  /** Closes one connection. */
  disconnect(connectionId: number, reason: CloseReason, mode: 'end' | 'destroy' = 'destroy'): CoreAction[] {
    return this.#closeConnection(connectionId, reason, mode)
  }

  /** Closes every connection (device shutdown or restart). */
  closeAll(reason: CloseReason, mode: 'end' | 'destroy' = 'destroy'): CoreAction[] {
    return [...this.#connections.keys()].flatMap((id) => this.#closeConnection(id, reason, mode))
  }

  /**
   * A device-side change (a button press): updates the DPs and pushes STATUS to every client.
   * @param dps - DPs to set
   * @param options - `cid` for a sub-device; `isSilent` changes state without a push
   * @returns what to do
   * @throws TypeError for bad DPs; RangeError for an unknown cid
   */
  setDps(dps: Dps, options: { cid?: string; isSilent?: boolean } = {}): CoreAction[] {
    const checked = checkDps(dps)
    const { cid } = options
    if (cid !== undefined && !this.store.has(cid)) throw new RangeError(`cid ${cid} is not a sub-device of this gateway; add it first`)
    const written = this.store.applyLocal(checked, cid)
    const actions: CoreAction[] = [event('change', cid === undefined ? { dps: written, source: 'device' } : { dps: written, cid, source: 'device' })]
    if (options.isSilent === true || Object.keys(written).length === 0) return actions
    this.#broadcast(cid === undefined ? { dps: written, reason: 'change' } : { dps: written, cid, reason: 'change' }, actions)
    return actions
  }

  /**
   * Writes raw bytes to every connection (a garbage fault on demand).
   * @param bytes - what to write; default 32 random bytes
   */
  sendRaw(bytes?: Uint8Array): CoreAction[] {
    const data = bytes ?? randomBytes(32, this.config.random)
    return [...this.#connections.keys()].map((connectionId) => ({ type: 'write', connectionId, bytes: data, delayMs: this.#faults.replyDelayMs ?? 0 }) as CoreAction)
  }

  /** Encodes a STATUS report for every connection; appends what to do to `actions`. */
  #broadcast(push: PushRequest, actions: CoreAction[]): void {
    // One serial per report, whichever connections it goes to (§5: per-origin counter).
    const serial = this.#serial
    this.#serial = (this.#serial + 1) >>> 0
    for (const { conn, info } of this.#connections.values()) this.#process(info.connectionId, conn.encodePush(push, serial), actions)
  }

  #closeConnection(connectionId: number, reason: CloseReason, mode: 'end' | 'destroy'): CoreAction[] {
    const entry = this.#connections.get(connectionId)
    if (entry === undefined) return []
    this.#connections.delete(connectionId)
    entry.conn.markClosed()
    return [{ type: 'close', connectionId, mode, delayMs: this.#faults.replyDelayMs ?? 0 }, event('close', { connectionId, reason })]
  }

  /** Turns a connection's outputs into actions, appended to `actions`. */
  #process(connectionId: number, outputs: ConnectionOutput[], actions: CoreAction[]): void {
    for (const output of outputs) {
      switch (output.type) {
        case 'send':
          this.#write(connectionId, output, actions)
          break
        case 'close':
          actions.push(...this.#closeConnection(connectionId, output.reason, output.mode))
          break
        case 'touch':
          actions.push({ type: 'touch', connectionId })
          break
        case 'push':
          this.#broadcast(output.push, actions)
          break
        case 'event':
          actions.push({ type: 'event', event: output.event })
          break
      }
    }
  }

  /**
   * Output faults: silence, garbage, truncation, delay (the wrong key is applied at encoding).
   * Appends the writes (and the outgoing `frame` event) to `actions`.
   */
  #write(connectionId: number, output: { bytes: Uint8Array; cmd: number; seq: number }, actions: CoreAction[]): void {
    const faults = this.#faults
    if (faults.isSilent === true || !this.#connections.has(connectionId)) return
    const delayMs = faults.replyDelayMs ?? 0
    if (faults.garbage !== undefined) {
      const junk = faults.garbage.bytes
      const bytes = junk instanceof Uint8Array ? junk : randomBytes(junk ?? 16, this.config.random)
      actions.push({ type: 'write', connectionId, bytes, delayMs })
      if (faults.garbage.mode === 'instead') return
    }
    const truncate = faults.truncateNextFrame
    const isTruncated = truncate !== undefined && truncate !== false
    let bytes = output.bytes
    if (isTruncated) {
      const wanted = typeof truncate === 'object' ? truncate.bytes : undefined
      bytes = bytes.slice(0, Math.max(1, Math.min(bytes.length - 1, wanted ?? Math.floor(bytes.length / 2))))
      delete this.#faults.truncateNextFrame // one-shot
    }
    actions.push({ type: 'write', connectionId, bytes, delayMs })
    if (this.#hears('frame')) actions.push(event('frame', { connectionId, direction: 'out', cmd: output.cmd, seq: output.seq, bytes: output.bytes }))
    if (isTruncated) actions.push(...this.#closeConnection(connectionId, 'fault', 'destroy'))
  }
}
