/**
 * The `node:dgram` adapter (Node, Bun and Deno): one IPv4 socket per port with `reuseAddr`,
 * so the discovery shares 6666/6667/7000 with other listeners. No protocol here.
 */
import * as dgram from 'node:dgram'
import { assertNetPermission } from '@tuya/platform'
import { DiscoveryBindError } from '../errors.ts'
import type { DatagramSocket, DiscoveryTransport, OpenSocketOptions } from './types.ts'

function bind(socket: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    socket.once('error', onError)
    try {
      socket.bind({ port, address }, () => {
        socket.off('error', onError)
        resolve()
      })
    } catch (error) {
      socket.off('error', onError)
      reject(error)
    }
  })
}

function closeQuietly(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve())
    } catch {
      resolve() // never bound, or already closed
    }
  })
}

async function open(options: OpenSocketOptions): Promise<DatagramSocket> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  try {
    assertNetPermission(options.address, options.port)
    await bind(socket, options.port, options.address)
  } catch (cause) {
    await closeQuietly(socket)
    throw new DiscoveryBindError(options.port, options.address, cause)
  }
  if (options.isBroadcast) socket.setBroadcast(true)
  socket.on('error', (error: Error) => options.onError(error))
  socket.on('message', (message: Uint8Array, info: dgram.RemoteInfo) => options.onMessage(message, { address: info.address, port: info.port }))
  let closing: Promise<void> | undefined
  return {
    port: socket.address().port,
    send: (bytes, port, address) =>
      new Promise<void>((resolve, reject) => {
        if (closing !== undefined) return reject(new Error('the socket is closed'))
        socket.send(bytes, port, address, (error) => (error ? reject(error) : resolve()))
      }),
    close: () => (closing ??= closeQuietly(socket)),
  }
}

/**
 * The default transport: real UDP sockets through `node:dgram` (Node 20+, Bun, Deno).
 * @returns a transport for {@link createDiscovery}
 */
export function udpTransport(): DiscoveryTransport {
  return { open }
}
