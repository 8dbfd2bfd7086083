/**
 * What each error means and what to do about it.
 */
// In your project: import { … } from '@tuya/client'
import {
  ClosedError,
  ConnectionLostError,
  createDevice,
  DeviceError,
  OfflineError,
  TimeoutError,
  WrongKeyError,
  WrongVersionError,
} from '../src/index.ts'
import { configFromEnv, type ExampleConfig } from './config.ts'

/** A line of advice for an error from a device handle. */
export function advise(error: unknown): string {
  if (error instanceof WrongKeyError) {
    // isProven: the device rejected the key; otherwise it only stayed silent (a busy device looks the same).
    return error.isProven ? 'wrong local key (or version): fix the configuration' : 'no answer after connecting: probably a wrong local key (or version)'
  }
  if (error instanceof WrongVersionError) return `wrong protocol version${error.seenVersion === undefined ? '' : ` (the device speaks ${error.seenVersion})`}: set it, or use version: 'auto'`
  // reason: why the command was not sent ('refused', 'unresolvable', 'permission-denied' name a certain
  // failure); failure: how the connection failed ('open-failed': unreachable, ...).
  if (error instanceof OfflineError) return `offline (${error.reason}, ${error.failure ?? 'no connection failure'}): the command was never sent, safe to retry later`
  if (error instanceof ConnectionLostError) return 'connection lost after sending: re-read the state before repeating'
  if (error instanceof TimeoutError) return 'no answer in time: the device may still have applied it'
  if (error instanceof DeviceError) return `the device refused: ${error.text}`
  if (error instanceof ClosedError) return 'the handle is closed'
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return 'aborted by the signal'
  return `unexpected: ${String(error)}`
}

export async function main(config: ExampleConfig): Promise<string> {
  // failFast: do not wait for a reconnect while the device is known to be offline.
  const device = createDevice({ ...config, timeoutMs: 2000, failFast: true })
  try {
    await device.set({ '1': true }, { signal: AbortSignal.timeout(5000) })
    return 'ok'
  } catch (error) {
    return advise(error)
  } finally {
    await device.close()
  }
}

const config = configFromEnv()
if (config !== undefined) console.log(await main(config))
