/**
 * `tuya bridge --embedded-broker`: an in-process MQTT broker (aedes) on 127.0.0.1, for trying
 * the bridge with no setup. aedes speaks MQTT 3.1.1, so the bridge connects to it with protocol
 * 4 (results then carry a request id from the payload instead of MQTT 5 correlation data).
 */
import { createServer, type Server } from 'node:net'
import { Aedes } from 'aedes'

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly port: number
  readonly url: string
  close(): Promise<void>
}

/**
 * Starts aedes on 127.0.0.1.
 * @param port - TCP port (0: any free one)
 * @returns the broker, listening
 * @throws the listen error (EADDRINUSE: another broker already has the port)
 */
export async function startEmbeddedBroker(port: number): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker()
  const server: Server = createServer(broker.handle)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
  } catch (error) {
    await new Promise<void>((resolve) => broker.close(() => resolve()))
    throw error
  }
  const actual = (server.address() as { port: number }).port
  return {
    port: actual,
    url: `mqtt://127.0.0.1:${actual}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
