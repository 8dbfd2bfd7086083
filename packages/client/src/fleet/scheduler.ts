/**
 * When the devices of a fleet start connecting: first come first served, at most `cap` of
 * them connecting at once, and starts at least `staggerMs` apart.
 *
 * Why not only the connect gate: a handle's connect deadline (`connectTimeoutMs`) runs from
 * the moment it starts its attempt, and the time spent waiting for a gate slot counts. A
 * thousand handles started at once behind a gate of 16 would time out in the queue without
 * ever trying. So the fleet starts a handle only when fewer than `cap` are connecting; the
 * gate still bounds reconnects, which the handles start on their own.
 */
import type { SetTimer } from '../transport/types.ts'

/** Clock and timers of the scheduler (the fleet passes the shared device options' or the system's). */
export interface SchedulerOptions {
  /** Devices connecting at once, at most. */
  cap: number
  /** Least time between two starts (0: no spacing). */
  staggerMs: number
  now: () => number
  setTimer: SetTimer
}

/** The start queue of a fleet. */
export class StartScheduler {
  readonly #options: SchedulerOptions
  /** Queued starts by device id, in insertion (start) order. */
  readonly #queue = new Map<string, () => void>()
  #connecting = 0
  #nextAt = -Infinity
  #cancelTimer: (() => void) | undefined
  #isPumpQueued = false
  #isClosed = false

  /** @param options - cap, staggerMs, now, setTimer */
  constructor(options: SchedulerOptions) {
    this.#options = options
  }

  /** Devices waiting for their start. */
  get queued(): number { return this.#queue.size }

  /** Devices connecting now (started by the fleet, or reconnecting by themselves). */
  get connecting(): number { return this.#connecting }

  /**
   * Queues the start of device `id` (once: queuing it again keeps its place).
   * @param id - the device id
   * @param start - starts its connection attempt (called once its turn comes)
   */
  enqueue(id: string, start: () => void): void {
    if (this.#isClosed || this.#queue.has(id)) return
    this.#queue.set(id, start)
    this.#schedulePump()
  }

  /** Takes device `id` out of the queue. @returns whether it was queued */
  cancel(id: string): boolean {
    return this.#queue.delete(id)
  }

  /** A device entered (`+1`) or left (`-1`) the `connecting` state. */
  onConnecting(delta: 1 | -1): void {
    this.#connecting = Math.max(0, this.#connecting + delta)
    if (delta < 0) this.#schedulePump()
  }

  /** Forgets the queue and cancels the timer. */
  close(): void {
    this.#isClosed = true
    this.#queue.clear()
    this.#cancelTimer?.()
    this.#cancelTimer = undefined
  }

  // Pumping from a microtask keeps a start out of the event dispatch of another device.
  #schedulePump(): void {
    if (this.#isPumpQueued || this.#cancelTimer !== undefined) return
    this.#isPumpQueued = true
    queueMicrotask(() => {
      this.#isPumpQueued = false
      this.#pump()
    })
  }

  #pump(): void {
    const { cap, staggerMs, now, setTimer } = this.#options
    while (!this.#isClosed && this.#queue.size > 0 && this.#connecting < cap) {
      const time = now()
      if (time < this.#nextAt) {
        this.#cancelTimer = setTimer(() => {
          this.#cancelTimer = undefined
          this.#pump()
        }, this.#nextAt - time)
        return
      }
      const [id, start] = this.#queue.entries().next().value as [string, () => void]
      this.#queue.delete(id)
      if (staggerMs > 0) this.#nextAt = time + staggerMs
      start()
    }
  }
}
