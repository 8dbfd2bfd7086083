/**
 * The peers the benchmarks compare against, driven the same way as our handle: tuyapi 7 (as
 * shipped, given ip/port/id/key/version so it never scans) and a plain node:net client of the
 * sized echo server (the floor).
 */
import * as net from 'node:net'
import TuyAPI from 'tuyapi'

export const KEY = '0123456789abcdef'

/** A 20-character device id for benchmark device `i`. */
export const benchId = (i: number): string => `bf${String(i).padStart(18, '0')}`

/** A tuyapi device for the mock on 127.0.0.1:`port`, with its errors collected (tuyapi throws on an unheard 'error'). */
export function tuyapiDevice(port: number, id: string, version: string): { dev: TuyAPI; errors: unknown[] } {
  const dev = new TuyAPI({ ip: '127.0.0.1', port, id, key: KEY, version, issueGetOnConnect: false })
  const errors: unknown[] = []
  dev.on('error', (e: unknown) => errors.push(e))
  return { dev, errors }
}

/** A connected echo client: `roundTrip()` writes `request` bytes and resolves once `replyBytes` came back. */
export interface EchoClient {
  roundTrip(): Promise<void>
  close(): void
}

/**
 * Connects to the sized echo server (TCP_NODELAY, like our transport).
 * @param port - echo server port
 * @param requestBytes - bytes per request
 * @param replyBytes - bytes the server answers with
 */
export function connectEcho(port: number, requestBytes: number, replyBytes: number): Promise<EchoClient> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true })
    const request = new Uint8Array(requestBytes)
    let received = 0
    let done: (() => void) | undefined
    socket.on('data', (chunk) => {
      received += chunk.length
      if (received >= replyBytes && done !== undefined) {
        received -= replyBytes
        const d = done
        done = undefined
        d()
      }
    })
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.setNoDelay(true)
      resolve({
        roundTrip: () => new Promise<void>((r) => {
          done = r
          socket.write(request)
        }),
        close: () => socket.destroy(),
      })
    })
  })
}

/** Opens a fresh echo connection, does one round trip, closes: the floor of "connect per command". */
export async function echoFreshRoundTrip(port: number, requestBytes: number, replyBytes: number): Promise<void> {
  const client = await connectEcho(port, requestBytes, replyBytes)
  await client.roundTrip()
  client.close()
}
