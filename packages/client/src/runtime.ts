/**
 * The host between the sans-I/O {@link Engine} and the world: it opens connections
 * through the connector (and the connect gate), writes, hangs up, and keeps ONE timer per
 * device, re-armed only when the engine needs to wake earlier than already planned.
 */
import type { Engine, EngineHost } from './core/engine.ts'
import type { EngineEvent } from './core/events.ts'
import type { ResolvedOptions } from './options.ts'
import type { Transport, TransportHandlers } from './transport/types.ts'

/** Where the runtime sends every engine event. */
export interface EventRouter {
  route(event: EngineEvent): void
}

/**
 * One connection attempt: it receives its transport's callbacks (those of a connection that
 * another attempt replaced are ignored) and tells when its connection is over.
 */
class Attempt implements TransportHandlers {
  readonly runtime: Runtime
  readonly number: number
  /** Set once the connector resolved. */
  transport: Transport | undefined
  /** Its connection closed, or it never opened. */
  isOver = false
  #whenOver: Promise<void> | undefined
  #resolveOver: (() => void) | undefined

  constructor(runtime: Runtime, number: number) {
    this.runtime = runtime
    this.number = number
  }

  onData(bytes: Uint8Array): void {
    this.runtime.onAttemptData(this, bytes)
  }

  onClose(error?: Error): void {
    this.over()
    this.runtime.onAttemptClosed(this, error)
  }

  over(): void {
    this.isOver = true
    this.#resolveOver?.()
  }

  /** Resolves once the connection is over (the promise is made only when someone waits). */
  whenOver(): Promise<void> {
    if (this.isOver) return Promise.resolve()
    return (this.#whenOver ??= new Promise<void>((resolve) => (this.#resolveOver = resolve)))
  }
}

/** The engine's host for one device. */
export class Runtime implements EngineHost {
  engine: Engine | undefined
  readonly #options: ResolvedOptions
  readonly #router: EventRouter
  #transport: Transport | undefined
  #abort: AbortController | undefined
  #release: (() => void) | undefined
  #cancelTimer: (() => void) | undefined
  #armedAt = Infinity
  /** The latest attempt that got as far as connecting (whenClosed waits for it). */
  #latest: Attempt | undefined

  /**
   * @param options - where to connect, how, timers
   * @param router - receives every engine event
   */
  constructor(options: ResolvedOptions, router: EventRouter) {
    this.#options = options
    this.#router = router
  }

  /** Resolves once the current connection (if any) has closed. */
  whenClosed(): Promise<void> {
    return this.#latest?.whenOver() ?? Promise.resolve()
  }

  open(attempt: number): void {
    const abort = new AbortController()
    this.#abort = abort
    void this.#open(attempt, abort)
  }

  async #open(number: number, abort: AbortController): Promise<void> {
    const engine = this.engine!
    const { host, port, transport: connect, connectGate } = this.#options
    try {
      if (connectGate !== undefined) {
        engine.onQueued(number)
        const release = await connectGate.acquire(abort.signal)
        if (abort.signal.aborted) {
          release()
          return
        }
        this.#release = release
        engine.onDialing(number)
      }
      const attempt = new Attempt(this, number)
      this.#latest = attempt
      const transport = await connect({ host, port, timeoutMs: this.#options.engine.connectTimeoutMs, signal: abort.signal }, attempt)
      attempt.transport = transport
      if (abort.signal.aborted) {
        transport.close()
        return
      }
      this.#transport = transport
      // Open: nothing left to abort (hangUp closes the transport). Aborting builds an AbortError
      // with a stack trace, which would be the most expensive part of closing a handle.
      if (this.#abort === abort) this.#abort = undefined
      if (!engine.onOpen(number)) {
        this.#transport = undefined
        transport.close()
      }
    } catch (error) {
      this.#latest?.over()
      if (!abort.signal.aborted) engine.onOpenFailed(number, error instanceof Error ? error : new Error(String(error)))
    }
  }

  /** Bytes from the connection of `attempt` (ignored unless it is the current one). */
  onAttemptData(attempt: Attempt, bytes: Uint8Array): void {
    if (this.#transport === attempt.transport) this.engine!.onData(attempt.number, bytes)
  }

  /** The connection of `attempt` closed. */
  onAttemptClosed(attempt: Attempt, error: Error | undefined): void {
    if (this.#transport !== attempt.transport) return
    this.#transport = undefined
    this.engine!.onClosed(attempt.number, error)
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
    const { setTimer, engine } = this.#options
    this.#cancelTimer?.()
    this.#armedAt = timeMs
    this.#cancelTimer = setTimer(() => this.onTimer(), timeMs - engine.now())
  }

  /** The timer fired. */
  onTimer(): void {
    this.#armedAt = Infinity
    this.#cancelTimer = undefined
    this.engine?.tick()
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
    this.#router.route(event)
  }

  #releaseGate(): void {
    const release = this.#release
    this.#release = undefined
    release?.()
  }
}
