/**
 * The adapter between the sans-I/O {@link Engine} and the world: it opens connections
 * through the connector (and the connect gate), writes, hangs up, and keeps ONE timer per
 * device, re-armed only when the engine needs to wake earlier than already planned.
 */
import type { Engine, EngineHost } from './core/engine.ts'
import type { EngineEvent } from './core/events.ts'
import type { ConnectGate, Connector, SetTimer, Transport } from './transport/types.ts'

/** What the runtime needs besides the engine. */
export interface RuntimeOptions {
  host: string
  port: number
  connectTimeoutMs: number
  transport: Connector
  connectGate: ConnectGate | undefined
  setTimer: SetTimer
  now: () => number
  /** Receives every engine event. */
  dispatch: (event: EngineEvent) => void
}

/** The engine's host for one device. */
export class Runtime implements EngineHost {
  engine: Engine | undefined
  readonly #options: RuntimeOptions
  #transport: Transport | undefined
  #abort: AbortController | undefined
  #release: (() => void) | undefined
  #cancelTimer: (() => void) | undefined
  #armedAt = Infinity
  #closed: Promise<void> | undefined
  #resolveClosed: (() => void) | undefined

  /** @param options - where to connect, how, timers, event sink */
  constructor(options: RuntimeOptions) {
    this.#options = options
  }

  /** Resolves once the current connection (if any) has closed. */
  whenClosed(): Promise<void> {
    return this.#closed ?? Promise.resolve()
  }

  open(attempt: number): void {
    const abort = new AbortController()
    this.#abort = abort
    void this.#open(attempt, abort)
  }

  async #open(attempt: number, abort: AbortController): Promise<void> {
    const engine = this.engine!
    const { host, port, connectTimeoutMs, transport: connect, connectGate } = this.#options
    try {
      if (connectGate !== undefined) {
        engine.onQueued(attempt)
        const release = await connectGate.acquire(abort.signal)
        if (abort.signal.aborted) {
          release()
          return
        }
        this.#release = release
        engine.onDialing(attempt)
      }
      let transport: Transport | undefined
      let done: () => void = () => {}
      this.#closed = new Promise<void>((resolve) => (done = resolve))
      this.#resolveClosed = done
      transport = await connect({ host, port, timeoutMs: connectTimeoutMs, signal: abort.signal }, {
        onData: (bytes) => {
          if (this.#transport === transport) engine.onData(attempt, bytes)
        },
        onClose: (error) => {
          done()
          if (this.#transport !== transport) return
          this.#transport = undefined
          engine.onClosed(attempt, error)
        },
      })
      if (abort.signal.aborted) {
        transport.close()
        return
      }
      this.#transport = transport
      // Open: nothing left to abort (hangUp closes the transport). Aborting builds an AbortError
      // with a stack trace, which would be the most expensive part of closing a handle.
      if (this.#abort === abort) this.#abort = undefined
      if (!engine.onOpen(attempt)) {
        this.#transport = undefined
        transport.close()
      }
    } catch (error) {
      this.#resolveClosed?.()
      if (!abort.signal.aborted) engine.onOpenFailed(attempt, error instanceof Error ? error : new Error(String(error)))
    }
  }

  write(bytes: Uint8Array): void {
    this.#transport?.write(bytes)
  }

  hangUp(): void {
    this.#abort?.abort()
    this.#abort = undefined
    const transport = this.#transport
    this.#transport = undefined
    transport?.close()
    this.#releaseGate()
  }

  wakeAt(timeMs: number, isExact = false): void {
    if (timeMs === this.#armedAt || (timeMs > this.#armedAt && !isExact)) return
    this.#cancelTimer?.()
    this.#armedAt = timeMs
    this.#cancelTimer = this.#options.setTimer(() => {
      this.#armedAt = Infinity
      this.#cancelTimer = undefined
      this.engine?.tick()
    }, timeMs - this.#options.now())
  }

  /** Cancels the timer (the engine is closed). */
  stopTimer(): void {
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
    this.#armedAt = Infinity
  }

  emit(event: EngineEvent): void {
    // The gate slot covers one connection attempt: give it back once the attempt is over.
    if (event.type === 'state' && event.previous === 'connecting') this.#releaseGate()
    this.#options.dispatch(event)
  }

  #releaseGate(): void {
    const release = this.#release
    this.#release = undefined
    release?.()
  }
}
