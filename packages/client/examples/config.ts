/**
 * Where the examples find a device: TUYA_ID, TUYA_KEY, TUYA_HOST, TUYA_VERSION (3.1-3.5 or
 * auto), TUYA_PORT (default 6668). Run one with, for instance:
 *   TUYA_ID=bf… TUYA_KEY=… TUYA_HOST=192.168.1.20 TUYA_VERSION=3.4 npx tsx examples/basic.ts
 */
import type { ProtocolVersion } from '../src/index.ts'

/** A device to talk to. */
export interface ExampleConfig {
  id: string
  key: string
  host: string
  port?: number
  version: ProtocolVersion | 'auto'
}

/** The device named by the environment, or undefined (then the example does not run by itself). */
export function configFromEnv(): ExampleConfig | undefined {
  const { TUYA_ID: id, TUYA_KEY: key, TUYA_HOST: host, TUYA_VERSION: version = 'auto', TUYA_PORT: port } = process.env
  if (id === undefined || key === undefined || host === undefined) return undefined
  return { id, key, host, version: version as ExampleConfig['version'], ...(port === undefined ? {} : { port: Number(port) }) }
}
