/**
 * A connect gate: at most `concurrency` connection attempts at a time, shared by many
 * handles (a fleet), first come first served.
 */
import type { ConnectGate } from './transport/types.ts'

/**
 * Creates a {@link ConnectGate} for the `connectGate` option.
 *
 * @param options - `concurrency`: simultaneous connection attempts (>= 1)
 * @returns the gate
 * @throws RangeError for a bad concurrency
 * @example
 * const gate = createConnectGate({ concurrency: 4 })
 * const devices = configs.map((c) => createDevice({ ...c, connectGate: gate }))
 */
export function createConnectGate(options: { concurrency: number }): ConnectGate & { readonly active: number; readonly waiting: number } {
  const { concurrency } = options
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`options.concurrency must be an integer >= 1, got ${String(concurrency)}`)
  let active = 0
  const queue: Array<() => void> = []
  const grant = (): (() => void) => {
    active++
    let isReleased = false
    return () => {
      if (isReleased) return
      isReleased = true
      active--
      queue.shift()?.()
    }
  }
  return {
    get active() {
      return active
    },
    get waiting() {
      return queue.length
    },
    acquire(signal: AbortSignal): Promise<() => void> {
      if (signal.aborted) return Promise.reject(signal.reason)
      if (active < concurrency) return Promise.resolve(grant())
      return new Promise((resolve, reject) => {
        const go = (): void => {
          signal.removeEventListener('abort', onAbort)
          resolve(grant())
        }
        const onAbort = (): void => {
          const i = queue.indexOf(go)
          if (i >= 0) queue.splice(i, 1)
          reject(signal.reason)
        }
        queue.push(go)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    },
  }
}
