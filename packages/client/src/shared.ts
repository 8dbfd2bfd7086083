/**
 * What the handles of one connection share: the engine, its runtime, the options, the
 * device22 DP ids, and the routing of engine events to the handles (a handle with a cid
 * sees only that child's DPs).
 */
import { Engine } from './core/engine.ts'
import type { ConnectedDetail, EngineEvent } from './core/events.ts'
import type { HandleObserver } from './observer.ts'
import type { ResolvedOptions } from './options.ts'
import { Runtime, type EventRouter } from './runtime.ts'

/**
 * The internal methods of a handle that the connection calls. Symbol keys (as undici's
 * `kSymbols`) keep them off the handle's public surface without a closure per handle: a fleet
 * holds thousands of handles.
 */
export const DELIVER: unique symbol = Symbol('deliver')
export const RESYNC: unique symbol = Symbol('resync')

/** A handle as the shared connection sees it. */
export interface Receiver {
  readonly cid: string | undefined
  /** Dispatches an engine event as a DOM event on the handle. */
  [DELIVER](event: EngineEvent): void
  /** Re-reads the status after a reconnect (the device's own handle). */
  [RESYNC](): void
}

/** One connection and everything attached to it. */
export class SharedConnection implements EventRouter {
  readonly options: ResolvedOptions
  readonly engine: Engine
  readonly runtime: Runtime
  /** device22 DP ids found so far (or configured); made when the first is known. */
  device22Ids: Set<string> | undefined
  isGateway: boolean
  /** Sees every event of the device's own handle before its listeners (the fleet's entry). */
  observer: HandleObserver | undefined
  /** The device's own handle: the first to receive every event. */
  #root: Receiver | undefined
  /** Gateway child handles, in the order they were attached (made for the first). */
  #children: Set<Receiver> | undefined
  /** What the last `connected` event said. */
  #connected: { readonly isReconnect: boolean; readonly isVersionDetected: boolean } | undefined

  /** @param options - resolved options */
  constructor(options: ResolvedOptions) {
    this.options = options
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
    if (connected === undefined || version === undefined) return undefined
    return { version, isReconnect: connected.isReconnect, isVersionDetected: connected.isVersionDetected }
  }

  /** Adds a handle (the device's own first, then gateway children). */
  attach(handle: Receiver, isRoot: boolean): void {
    if (isRoot) this.#root = handle
    else (this.#children ??= new Set()).add(handle)
  }

  /** Removes a gateway child handle. */
  detach(handle: Receiver): void {
    this.#children?.delete(handle)
  }

  /** {@link EventRouter.route}: delivers an engine event to the handles. */
  route(event: EngineEvent): void {
    if (event.type === 'connected') {
      this.#connected = { isReconnect: event.isReconnect, isVersionDetected: event.isVersionDetected }
      if (event.isReconnect && this.options.resyncOnReconnect && !this.isGateway) this.#root?.[RESYNC]()
    }
    const root = this.#root
    if (event.type === 'dps') {
      // DPs reported with a cid mark the connection as a gateway's. A handle without cid
      // sees everything; a child handle only its own DPs.
      if (event.cid !== undefined) this.isGateway = true
      if (root !== undefined && (root.cid === undefined || root.cid === event.cid)) root[DELIVER](event)
      if (this.#children !== undefined) for (const r of this.#children) if (r.cid === undefined || r.cid === event.cid) r[DELIVER](event)
      return
    }
    root?.[DELIVER](event)
    if (this.#children !== undefined) for (const r of this.#children) r[DELIVER](event)
  }
}
