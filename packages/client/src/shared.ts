/**
 * What the handles of one connection share: the engine, its runtime, the options, the
 * device22 DP ids, and the routing of engine events to the handles (a handle with a cid
 * sees only that child's DPs).
 */
import { Engine } from './core/engine.ts'
import type { ConnectedDetail, EngineEvent } from './core/events.ts'
import type { ResolvedOptions } from './options.ts'
import { Runtime } from './runtime.ts'

/** A handle as the shared connection sees it. */
export interface Receiver {
  readonly cid: string | undefined
  /** Dispatches an engine event as a DOM event on the handle. */
  receive(event: EngineEvent): void
}

/** One connection and everything attached to it. */
export class SharedConnection {
  readonly options: ResolvedOptions
  readonly engine: Engine
  readonly runtime: Runtime
  readonly device22Ids: Set<string>
  readonly receivers = new Set<Receiver>()
  isGateway: boolean
  lastConnected: ConnectedDetail | undefined
  /** Called after a reconnect (the root handle re-reads the status). */
  onReconnect: (() => void) | undefined

  /** @param options - resolved options */
  constructor(options: ResolvedOptions) {
    this.options = options
    this.isGateway = options.isGateway || options.cid !== undefined
    this.device22Ids = new Set(options.dpIds)
    const { engine } = options
    this.runtime = new Runtime({
      host: options.host,
      port: options.port,
      connectTimeoutMs: engine.connectTimeoutMs,
      transport: options.transport,
      connectGate: options.connectGate,
      setTimer: options.setTimer,
      now: engine.now,
      dispatch: (event) => this.#route(event),
    })
    this.engine = new Engine(engine, this.runtime)
    this.runtime.engine = this.engine
  }

  #route(event: EngineEvent): void {
    if (event.type === 'connected') {
      this.lastConnected = { version: event.version, isReconnect: event.isReconnect, isVersionDetected: event.isVersionDetected }
      if (event.isReconnect && this.options.resyncOnReconnect && !this.isGateway) this.onReconnect?.()
    }
    if (event.type === 'dps') {
      if (event.cid !== undefined) this.isGateway = true
      for (const r of this.receivers) {
        // A handle without cid on a connection sees everything; a child handle only its own DPs.
        if (r.cid === undefined || r.cid === event.cid) r.receive(event)
      }
      return
    }
    for (const r of this.receivers) r.receive(event)
  }
}
