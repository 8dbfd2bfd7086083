/**
 * The bridge's MQTT.js client: made from a URL, options or a client of the caller's, with the
 * bridge's last will, and the wait for its first connection (bounded, with an error that says
 * what to check).
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import { MqttBridgeError } from './errors.ts'

/** The last will the bridge connects with. */
export interface LastWill {
  readonly topic: string
  readonly payload: string
  readonly qos: 1
  readonly retain: boolean
}

/** CONNACK reason codes that say the credentials were refused (3.1.1: 4, 5; MQTT 5: 134, 135). */
const REFUSED_CODES = new Set([4, 5, 134, 135])

/**
 * Makes the client (it connects, and reconnects, by itself).
 * @param mqtt - a URL, MQTT.js options with `url`, or an MQTT.js client
 * @param will - the bridge's last will (not set on a client the caller made)
 * @returns the client
 * @throws TypeError for anything else
 */
export function connectClient(mqtt: string | (IClientOptions & { readonly url: string }) | MqttClient, will: LastWill): MqttClient {
  if (typeof mqtt === 'string') return connect(mqtt, { protocolVersion: 5, will, resubscribe: false })
  if (typeof mqtt === 'object' && mqtt !== null && typeof (mqtt as MqttClient).publish === 'function') return mqtt as MqttClient
  if (typeof mqtt === 'object' && mqtt !== null && typeof (mqtt as { url?: unknown }).url === 'string') {
    const { url, ...rest } = mqtt as IClientOptions & { url: string }
    // The bridge subscribes again itself on every connection.
    return connect(url, { protocolVersion: 5, will, ...rest, resubscribe: false })
  }
  throw new TypeError('options.mqtt must be a URL such as mqtt://localhost:1883, MQTT.js options with url, or an MQTT.js client')
}

/**
 * Waits for the client's first connection.
 * @param client - the client
 * @param timeoutMs - how long to wait
 * @param signal - stops waiting
 * @returns once connected
 * @throws MqttBridgeError after `timeoutMs` (with the last connection error) or at once when the credentials are refused; the signal's reason when aborted
 */
export function waitForConnection(client: MqttClient, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined
    const done = (error?: Error): void => {
      clearTimeout(timer)
      client.off('connect', onConnect)
      client.off('error', onError)
      signal?.removeEventListener('abort', onAbort)
      if (error === undefined) resolve()
      else reject(error)
    }
    const onConnect = (): void => done()
    const onError = (error: Error): void => {
      lastError = error
      // Refused credentials do not fix themselves: stop at once instead of retrying until the deadline.
      if (REFUSED_CODES.has((error as { code?: unknown }).code as number)) done(new MqttBridgeError(`the broker refused the connection: ${error.message}; check the username and password`, { cause: error }))
    }
    const onAbort = (): void => done(signal!.reason as Error)
    const timer = setTimeout(() => done(new MqttBridgeError(`could not connect to the MQTT broker within ${timeoutMs} ms${lastError === undefined ? '' : `: ${lastError.message}`}; check the URL, that the broker runs, and TLS settings`, lastError === undefined ? undefined : { cause: lastError })), timeoutMs)
    client.on('connect', onConnect)
    client.on('error', onError)
    if (signal?.aborted === true) onAbort()
    else signal?.addEventListener('abort', onAbort, { once: true })
  })
}
