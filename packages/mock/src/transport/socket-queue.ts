/**
 * Per-socket plumbing of the device adapter: socket operations run in order (a delayed write
 * holds back everything queued after it), and the connection's idle timer.
 */
import { monotonicNow, startTimer, type Timer } from '@tuya/platform'
import type { TcpConnection } from './tcp.ts'

/** One accepted socket with its ordered operation queue and idle timer. */
export class SocketQueue {
  readonly conn: TcpConnection
  readonly #idleTimeoutMs: number
  readonly #onIdle: () => void
  #queue: Array<{ delayMs: number; run: () => void }> = []
  #pending: Timer | undefined
  #idle: Timer | undefined
  #lastActivityMs = 0

  /**
   * @param conn - the accepted socket
   * @param idleTimeoutMs - how long without {@link touch} before `onIdle` runs; 0 = never
   * @param onIdle - what to do once the connection has been idle that long
   */
  constructor(conn: TcpConnection, idleTimeoutMs: number, onIdle: () => void) {
    this.conn = conn
    this.#idleTimeoutMs = idleTimeoutMs
    this.#onIdle = onIdle
  }

  /**
   * Writes `bytes` with one write call, after every operation queued before it and `delayMs`.
   * @param delayMs - extra delay before this write (0: as soon as its turn comes)
   * @param bytes - one whole frame (or the junk of a fault)
   */
  write(delayMs: number, bytes: Uint8Array): void {
    // The usual case, no delay and nothing queued (a queued operation stays in the queue
    // until it ran): write now, without queueing a closure.
    if (delayMs === 0 && this.#queue.length === 0) this.conn.write(bytes)
    else this.enqueue(delayMs, (conn) => conn.write(bytes))
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

  /** Records activity: the idle countdown starts again from now. */
  touch(): void {
    if (this.#idleTimeoutMs === 0) return
    this.#lastActivityMs = monotonicNow()
    // One timer per connection instead of a cancel and a new timer per frame: when it fires
    // before the connection has been idle long enough, it re-arms itself for the time left.
    this.#idle ??= startTimer(this.#idleTimeoutMs, this.#checkIdle, { keepAlive: false })
  }

  /** Stops the idle timer (a later {@link touch} starts it again). */
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

  readonly #checkIdle = (): void => {
    const leftMs = this.#lastActivityMs + this.#idleTimeoutMs - monotonicNow()
    if (leftMs > 0) {
      this.#idle = startTimer(leftMs, this.#checkIdle, { keepAlive: false })
      return
    }
    this.#idle = undefined
    this.#onIdle()
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
        })
        return
      }
      this.#queue.shift()
      next.run()
    }
  }
}
