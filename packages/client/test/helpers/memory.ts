/**
 * The mock's sans-I/O DeviceCore behind `memoryTransport()`, and a fake clock with manual
 * timers: the client runs with no socket and no real timer.
 */
import { DeviceCore, resolveOptions, type CoreAction, type MockDeviceOptions } from '@tuya/mock'
import { memoryTransport, type Connector, type MemoryPeer } from '../../src/index.ts'

/** A clock and a timer list advanced by hand. */
export class FakeClock {
  time = 1_700_000_000_000
  readonly #timers = new Map<number, { at: number; fn: () => void }>()
  #nextId = 1
  /** Timers that have fired so far. */
  fired = 0
  /** Timers armed right now. */
  get armed(): number {
    return this.#timers.size
  }
  readonly now = (): number => this.time
  readonly setTimer = (fn: () => void, delayMs: number): (() => void) => {
    const id = this.#nextId++
    this.#timers.set(id, { at: this.time + Math.max(0, delayMs), fn })
    return () => this.#timers.delete(id)
  }
  /** Moves time forward, firing due timers in order and letting I/O (microtasks) run in between. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms
    for (;;) {
      await flush()
      let next: [number, { at: number; fn: () => void }] | undefined
      for (const entry of this.#timers) if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry
      if (next === undefined) break
      this.#timers.delete(next[0])
      this.time = Math.max(this.time, next[1].at)
      this.fired++
      next[1].fn()
    }
    this.time = end
    await flush()
  }
}

/** Lets queued microtasks and I/O callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

/** A simulated device in memory. */
export interface MemoryMock {
  core: DeviceCore
  connector: Connector
  /** Connection attempts so far, with the fake time of each. */
  attempts: number[]
  /** Commands the device authenticated, by name. */
  commands: string[]
  /** Refuse connections while true. */
  isRefusing: boolean
  /** Closes every connection from the device side. */
  dropAll(): void
}

/**
 * Creates a DeviceCore and a connector that plays it over memory.
 * @param options - mock options (version, key, dps, faults, …)
 * @param clock - the clock for attempt times
 */
export function memoryMock(options: MockDeviceOptions, clock: FakeClock): MemoryMock {
  const core = new DeviceCore(resolveOptions({ ...options, now: clock.now, idleTimeoutMs: 0 }))
  const peers = new Map<number, MemoryPeer>()
  const result: MemoryMock = {
    core,
    attempts: [],
    commands: [],
    isRefusing: false,
    connector: memoryTransport((peer) => {
      result.attempts.push(clock.now())
      if (result.isRefusing) return false
      const { connectionId, actions } = core.accept({ remoteAddress: '127.0.0.1', remotePort: 1 })
      peers.set(connectionId, peer)
      peer.onData = (bytes) => run(core.receive(connectionId, bytes))
      peer.onClose = () => run(core.closed(connectionId))
      run(actions)
    }),
    dropAll: () => run(core.closeAll('shutdown')),
  }
  function run(actions: CoreAction[]): void {
    for (const action of actions) {
      if (action.type === 'write') peers.get(action.connectionId)?.write(action.bytes)
      else if (action.type === 'close') peers.get(action.connectionId)?.close()
      else if (action.type === 'event' && action.event.type === 'command') result.commands.push(action.event.detail.name)
    }
  }
  return result
}
