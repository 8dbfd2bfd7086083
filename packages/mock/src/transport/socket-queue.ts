/**
 * Per-socket plumbing of the device adapter: socket operations run in order (a delayed write
 * holds back everything queued after it), and an idle timer that can be restarted.
 */
import type { TcpConnection } from './tcp.ts'
import { startTimer, type Timer } from './timers.ts'

/** One accepted socket with its ordered operation queue and idle timer. */
export class SocketQueue {
  readonly conn: TcpConnection
  #queue: Array<{ delayMs: number; run: () => void }> = []
  #pending: Timer | undefined
  #idle: Timer | undefined

  constructor(conn: TcpConnection) {
    this.conn = conn
  }

  /**
   * Runs `op` after every operation queued before it, and after `delayMs`.
   * @param delayMs - extra delay before this operation (0: as soon as its turn comes)
   * @param op - the socket operation
   */
  enqueue(delayMs: number, op: (conn: TcpConnection) => void): void {
    this.#queue.push({ delayMs, run: () => op(this.conn) })
    this.#drain()
  }

  /** (Re)starts the idle timer; `ms` 0 disables it. */
  touch(ms: number, onIdle: () => void): void {
    this.#idle?.cancel()
    this.#idle = ms > 0 ? startTimer(ms, onIdle) : undefined
  }

  /** Stops the idle timer. */
  stopIdle(): void {
    this.#idle?.cancel()
    this.#idle = undefined
  }

  /** Cancels every timer and forgets queued operations (the socket is gone). */
  dispose(): void {
    this.stopIdle()
    this.#pending?.cancel()
    this.#pending = undefined
    this.#queue = []
  }

  #drain(): void {
    while (this.#pending === undefined && this.#queue.length > 0) {
      const next = this.#queue[0]!
      if (next.delayMs > 0) {
        this.#pending = startTimer(next.delayMs, () => {
          this.#pending = undefined
          this.#queue.shift()
          next.run()
          this.#drain()
        }, true)
        return
      }
      this.#queue.shift()
      next.run()
    }
  }
}
