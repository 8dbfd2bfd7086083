/**
 * Test helpers: a mock device plus a client handle on loopback, fast timings, event
 * recorders and the mock's command counter (what the device really received).
 */
import { createMockDevice, type MockDevice, type MockDeviceOptions } from '@tuya/mock'
import { createDevice, type DeviceOptions, type TuyaDevice } from '../../src/index.ts'
import type { DeviceEventMap, DeviceEventType } from '../../src/index.ts'

export const KEY = '0123456789abcdef'
export const ID = 'bf1234567890abcdefgh'
export const VERSIONS = ['3.1', '3.2', '3.3', '3.4', '3.5'] as const

/** Short timings so fault tests finish in well under a second each. */
export const FAST = {
  timeoutMs: 1500,
  connectTimeoutMs: 600,
  heartbeatIntervalMs: 1000,
  heartbeatTimeoutMs: 300,
  settleMs: 100,
  reconnect: { initialDelayMs: 20, maxDelayMs: 150, jitter: 0 },
} satisfies Partial<DeviceOptions>

/** A mock and a client for it; disposing closes both. */
export interface Pair {
  mock: MockDevice
  device: TuyaDevice
  /** Every command the device authenticated, by name, in order. */
  commands: string[]
  /** Every client event, as `type` or `type:detail`, in order. */
  events: string[]
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Starts a mock device and a client handle for it.
 * @param mockOptions - mock options (version default 3.3)
 * @param deviceOptions - client options (FAST timings by default)
 */
export async function pair(mockOptions: MockDeviceOptions = {}, deviceOptions: Partial<DeviceOptions> = {}): Promise<Pair> {
  const mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, dps: { '1': false, '2': 50 }, ...mockOptions })
  const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version: mock.version, ...FAST, ...deviceOptions })
  const commands: string[] = []
  const events: string[] = []
  mock.addEventListener('command', (e) => commands.push(e.detail.name))
  for (const type of ['connected', 'disconnected', 'error', 'dps'] as const) {
    device.addEventListener(type, (e: CustomEvent) => {
      const d = e.detail as Record<string, unknown>
      events.push(type === 'disconnected' ? `disconnected:${String(d.reason)}` : type === 'dps' ? `dps:${String(d.source)}` : type === 'error' ? `error:${(d.error as Error).name}` : type)
    })
  }
  return {
    mock,
    device,
    commands,
    events,
    async [Symbol.asyncDispose]() {
      await device.close()
      await mock.close()
    },
  }
}

/**
 * Resolves with the detail of the next `type` event of a handle that passes `filter`.
 * @throws an Error after `timeoutMs`
 */
export function nextEvent<K extends DeviceEventType>(device: TuyaDevice, type: K, filter: (d: DeviceEventMap[K]) => boolean = () => true, timeoutMs = 3000): Promise<DeviceEventMap[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      device.removeEventListener(type, listener)
      reject(new Error(`no '${type}' event within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (event: CustomEvent<DeviceEventMap[K]>): void => {
      if (!filter(event.detail)) return
      clearTimeout(timer)
      device.removeEventListener(type, listener)
      resolve(event.detail)
    }
    device.addEventListener(type, listener)
  })
}

/** Waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Settles a promise into `{ value }` or `{ error }` (for asserting on rejections without try/catch). */
export async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
  try {
    return { value: await promise }
  } catch (error) {
    return { error: error as Error }
  }
}

/** How often `name` appears in `list`. */
export const count = (list: readonly string[], name: string): number => list.filter((n) => n === name).length
