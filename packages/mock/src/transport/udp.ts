/**
 * The UDP adapter: one `node:dgram` IPv4 socket (Node, Bun and Deno) for sending beacons and,
 * optionally, receiving solicitations. No protocol here.
 */
import * as dgram from 'node:dgram'
import { assertNetPermission } from '@tuya/platform'

/** An open UDP socket. */
export interface UdpSocket {
  /** The bound port (0 when it only sends and was never bound explicitly). */
  readonly port: number
  send(bytes: Uint8Array, port: number, address: string): Promise<void>
  close(): Promise<void>
}

/**
 * Opens a UDP socket.
 * @param options - `bindPort` to receive on (undefined: send only), `bindAddress`,
 *   `isBroadcast` to allow broadcast destinations, `onMessage` for received datagrams
 * @returns the socket, once bound
 */
export function openUdp(options: {
  bindPort?: number
  bindAddress?: string
  isBroadcast?: boolean
  onMessage?: (bytes: Uint8Array, from: { address: string; port: number }) => void
}): Promise<UdpSocket> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  socket.on('error', () => {})
  if (options.onMessage !== undefined) {
    const onMessage = options.onMessage
    socket.on('message', (msg: Uint8Array, rinfo: dgram.RemoteInfo) => onMessage(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), { address: rinfo.address, port: rinfo.port }))
  }
  let isClosed = false
  const api = (port: number): UdpSocket => ({
    port,
    send: (bytes, destPort, address) =>
      new Promise<void>((resolve) => {
        if (isClosed) return resolve()
        // A failed send (unreachable, closed) is not the device's problem: beacons are best effort.
        socket.send(bytes, destPort, address, () => resolve())
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (isClosed) return resolve()
        isClosed = true
        socket.close(() => resolve())
      }),
  })
  const port = options.bindPort ?? 0
  const address = options.bindAddress ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    assertNetPermission(address, port)
    socket.once('error', reject)
    socket.bind({ port, address }, () => {
      socket.off('error', reject)
      if (options.isBroadcast === true) socket.setBroadcast(true)
      resolve(api(socket.address().port))
    })
  })
}
