/**
 * An in-memory transport for tests (like yamux's `duplexPair`): datagrams are handed in by the
 * test, sends are recorded. No sockets, no timers.
 */
import { DiscoveryBindError } from '../errors.ts'
import type { DatagramSource } from '../types.ts'
import type { DatagramSocket, DiscoveryTransport, OpenSocketOptions } from './types.ts'

/** A datagram a discovery sent through a {@link MemoryTransport}. */
export interface SentDatagram {
  bytes: Uint8Array
  port: number
  address: string
  /** The local port it was sent from. */
  fromPort: number
}

/** A transport whose network is the test itself. */
export interface MemoryTransport extends DiscoveryTransport {
  /** Every datagram sent so far. */
  readonly sent: SentDatagram[]
  /** Local ports currently bound. */
  readonly boundPorts: number[]
  /**
   * Delivers a datagram to the socket bound on `localPort`.
   * @returns whether a socket was bound there
   */
  deliver(localPort: number, bytes: Uint8Array, source: DatagramSource): boolean
  /** Makes the next `open` of `port` fail like a port held by another program (EADDRINUSE). */
  holdPort(port: number): void
  /** Makes every send fail (like a network without a route). */
  failSends(isFailing: boolean): void
}

/**
 * Creates an in-memory transport. Port 0 gets ports from 40000 upwards.
 * @returns the transport, with `deliver`, `sent`, `holdPort`, `failSends`
 * @example
 * const net = memoryTransport()
 * const discovery = await createDiscovery({ transport: net })
 * net.deliver(6667, beaconBytes, { address: '192.168.1.50', port: 6667 })
 */
export function memoryTransport(): MemoryTransport {
  const sockets = new Map<number, OpenSocketOptions>()
  const held = new Set<number>()
  const sent: SentDatagram[] = []
  let nextPort = 40000
  let isFailing = false
  return {
    sent,
    get boundPorts() {
      return [...sockets.keys()]
    },
    async open(options: OpenSocketOptions): Promise<DatagramSocket> {
      const port = options.port === 0 ? nextPort++ : options.port
      if (held.has(port) || sockets.has(port)) {
        const cause = Object.assign(new Error(`bind EADDRINUSE ${options.address}:${port}`), { code: 'EADDRINUSE' })
        throw new DiscoveryBindError(port, options.address, cause)
      }
      sockets.set(port, options)
      let isClosed = false
      return {
        port,
        async send(bytes, destPort, address) {
          if (isClosed) throw new Error('the socket is closed')
          if (isFailing) throw Object.assign(new Error(`send ENETUNREACH ${address}:${destPort}`), { code: 'ENETUNREACH' })
          sent.push({ bytes: bytes.slice(), port: destPort, address, fromPort: port })
        },
        async close() {
          if (isClosed) return
          isClosed = true
          sockets.delete(port)
        },
      }
    },
    deliver(localPort, bytes, source) {
      const socket = sockets.get(localPort)
      if (socket === undefined) return false
      socket.onMessage(bytes, source)
      return true
    },
    holdPort(port) {
      held.add(port)
    },
    failSends(value) {
      isFailing = value
    },
  }
}
