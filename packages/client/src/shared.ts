/**
 * What the handles of one connection share: the engine, its runtime, the options, the
 * device22 DP ids, and the routing of engine events to the handles (a handle with a cid
 * sees only that child's DPs).
 */
import { Engine } from './core/engine.ts'
import type { ConnectedDetail, EngineEvent } from './core/events.ts'
import type { ResolvedOptions } from './options.ts'
import { Runtime, type EventRouter } from './runtime.ts'

/** A handle as the shared connection sees it. */
export interface Receiver {
  readonly cid: string | undefined
}

/**
 * How the connection reaches its handles: one object for every handle of the handle class
 * (rather than closures made for each handle).
 */
export interface HandleHooks<R extends Receiver> {
  /** Dispatches an engine event as a DOM event on the handle. */
  deliver(handle: R, event: EngineEvent): void
  /** Whether a `dps` event delivered to the handle would reach anybody (a listener, an iterator, a fleet). */
  wantsDps(handle: R): boolean
  /** Re-reads the status after a reconnect (the device's own handle). */
  resync(handle: R): void
}

// The four things a `connected` event can say, shared by every connection.
const FIRST = Object.freeze({ isReconnect: false, isVersionDetected: false })
const FIRST_DETECTED = Object.freeze({ isReconnect: false, isVersionDetected: true })
const RECONNECT = Object.freeze({ isReconnect: true, isVersionDetected: false })
const RECONNECT_DETECTED = Object.freeze({ isReconnect: true, isVersionDetected: true })

/** One connection and everything attached to it. */
export class SharedConnection<R extends Receiver = Receiver> implements EventRouter {
  readonly options: ResolvedOptions
  readonly engine: Engine
  readonly runtime: Runtime
  /** device22 DP ids found so far (or configured); made when the first is known. */
  device22Ids: Set<string> | undefined
  isGateway: boolean
  readonly #hooks: HandleHooks<R>
  /** The device's own handle: the first to receive every event. */
  #root: R | undefined
  /** Gateway child handles, in the order they were attached (made for the first). */
  #children: Set<R> | undefined
  /** What the last `connected` event said (0: none yet). */
  #connected: 0 | { readonly isReconnect: boolean; readonly isVersionDetected: boolean } = 0

  /**
   * @param options - resolved options
   * @param hooks - how events reach the handles
   */
  constructor(options: ResolvedOptions, hooks: HandleHooks<R>) {
    this.options = options
    this.#hooks = hooks
    this.isGateway = options.isGateway || options.cid !== undefined
    this.device22Ids = options.dpIds.length > 0 ? new Set(options.dpIds) : undefined
    this.runtime = new Runtime(options, this)
    this.engine = new Engine(options.engine, this.runtime)
    this.runtime.engine = this.engine
  }

  /** The detail of the last `connected` event, if any. */
  get lastConnected(): ConnectedDetail | undefined {
    const connected = this.#connected
    const version = this.engine.version
    if (connected === 0 || version === undefined) return undefined
    return { version, isReconnect: connected.isReconnect, isVersionDetected: connected.isVersionDetected }
  }

  /** Adds a handle (the device's own first, then gateway children). */
  attach(handle: R, isRoot: boolean): void {
    if (isRoot) this.#root = handle
    else (this.#children ??= new Set()).add(handle)
  }

  /** Removes a gateway child handle. */
  detach(handle: R): void {
    this.#children?.delete(handle)
  }

  /**
   * {@link EventRouter.wantsDps}: whether a handle that would see DPs of `cid` wants them.
   * DPs reported with a cid also mark the connection as a gateway's.
   */
  wantsDps(cid: string | undefined): boolean {
    if (cid !== undefined) this.isGateway = true
    const root = this.#root
    if (root !== undefined && (root.cid === undefined || root.cid === cid) && this.#hooks.wantsDps(root)) return true
    if (this.#children !== undefined) for (const r of this.#children) if ((r.cid === undefined || r.cid === cid) && this.#hooks.wantsDps(r)) return true
    return false
  }

  /** {@link EventRouter.route}: delivers an engine event to the handles. */
  route(event: EngineEvent): void {
    if (event.type === 'connected') {
      this.#connected = event.isReconnect ? (event.isVersionDetected ? RECONNECT_DETECTED : RECONNECT) : event.isVersionDetected ? FIRST_DETECTED : FIRST
      if (event.isReconnect && this.options.resyncOnReconnect && !this.isGateway && this.#root !== undefined) this.#hooks.resync(this.#root)
    }
    const root = this.#root
    if (event.type === 'dps') {
      // A handle without cid on a connection sees everything; a child handle only its own DPs.
      if (root !== undefined && (root.cid === undefined || root.cid === event.cid)) this.#hooks.deliver(root, event)
      if (this.#children !== undefined) for (const r of this.#children) if (r.cid === undefined || r.cid === event.cid) this.#hooks.deliver(r, event)
      return
    }
    if (root !== undefined) this.#hooks.deliver(root, event)
    if (this.#children !== undefined) for (const r of this.#children) this.#hooks.deliver(r, event)
  }
}
