/**
 * An MQTT client for the tests: subscribes, records every message with its arrival time, and
 * waits for the next one matching a topic and a predicate.
 */
import { connectAsync, type IClientPublishOptions, type MqttClient } from 'mqtt'

/** A message as the observer received it. */
export interface Seen {
  readonly topic: string
  readonly text: string
  readonly isRetained: boolean
  readonly atMs: number
  readonly correlation?: string
}

/** The observer. */
export interface Observer {
  readonly client: MqttClient
  readonly messages: Seen[]
  /** The next message on `topic` (from now, or already seen after `sinceIndex`) that `accept` takes. */
  next(topic: string, accept?: (m: Seen) => boolean, options?: { timeoutMs?: number; sinceIndex?: number }): Promise<Seen>
  publish(topic: string, payload: string, options?: IClientPublishOptions): Promise<void>
  close(): Promise<void>
}

/**
 * Connects an observer (MQTT 5) and subscribes to `filters`.
 * @param url - the broker
 * @param filters - topic filters
 * @param credentials - username and password, when the broker wants them
 */
export async function observe(url: string, filters: string[], credentials: { username?: string; password?: string } = {}): Promise<Observer> {
  const client = await connectAsync(url, { protocolVersion: 5, reconnectPeriod: 100, clientId: `observer-${Math.random().toString(16).slice(2)}`, ...credentials })
  const messages: Seen[] = []
  const waiters = new Set<(m: Seen) => void>()
  client.on('message', (topic, payload, packet) => {
    const correlation = packet.properties?.correlationData
    const m: Seen = { topic, text: payload.toString(), isRetained: packet.retain, atMs: performance.now(), ...(correlation === undefined ? {} : { correlation: correlation.toString() }) }
    messages.push(m)
    for (const w of [...waiters]) w(m)
  })
  await client.subscribeAsync(filters, { qos: 1 })
  return {
    client,
    messages,
    next(topic, accept = () => true, { timeoutMs = 5000, sinceIndex } = {}) {
      if (sinceIndex !== undefined) {
        const found = messages.slice(sinceIndex).find((m) => m.topic === topic && accept(m))
        if (found !== undefined) return Promise.resolve(found)
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter)
          const recent = messages.filter((m) => m.topic === topic).slice(-3).map((m) => m.text)
          reject(new Error(`no matching message on ${topic} within ${timeoutMs} ms (last on it: ${JSON.stringify(recent)})`))
        }, timeoutMs)
        const waiter = (m: Seen): void => {
          if (m.topic !== topic || !accept(m)) return
          clearTimeout(timer)
          waiters.delete(waiter)
          resolve(m)
        }
        waiters.add(waiter)
      })
    },
    async publish(topic, payload, options = { qos: 1 }) {
      await client.publishAsync(topic, payload, options)
    },
    async close() {
      await client.endAsync(true)
    },
  }
}
