/**
 * The TCP adapter: `node:net` (which Node, Bun and Deno all provide) turned into
 * accept / data / close callbacks and write / end / destroy / reset calls. No protocol here.
 */
import * as net from 'node:net'
import { assertNetPermission } from '@tuya/platform'

/** One accepted socket, reduced to what the device needs. */
export interface TcpConnection {
  readonly remoteAddress: string
  readonly remotePort: number
  /** One write call per frame (§18.30). */
  write(bytes: Uint8Array): void
  /** Graceful close (FIN) after pending writes. */
  end(): void
  /** Close at once. */
  destroy(): void
  /** Close with a TCP RST where the runtime supports it, else at once. */
  reset(): void
}

/** Callbacks of a listening server. */
export interface TcpHandlers {
  /** A client connected; return the callbacks for its data and close. */
  onConnection(conn: TcpConnection): { onData(chunk: Uint8Array): void; onClose(): void }
}

/** A listening TCP server. */
export interface TcpListener {
  readonly host: string
  readonly port: number
  /** Stops listening and destroys every socket; resolves when the server is closed. */
  close(): Promise<void>
}

function wrap(socket: net.Socket): TcpConnection {
  return {
    remoteAddress: socket.remoteAddress ?? '',
    remotePort: socket.remotePort ?? 0,
    write: (bytes) => {
      if (!socket.destroyed && socket.writable) socket.write(bytes)
    },
    end: () => {
      if (socket.destroyed) return
      // Send our FIN after pending writes, then let go: a client that never answers it with
      // its own FIN must not leak the socket.
      socket.end(() => socket.destroy())
    },
    destroy: () => {
      socket.destroy()
    },
    reset: () => {
      const s = socket as net.Socket & { resetAndDestroy?: () => void }
      if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy()
      else socket.destroy()
    },
  }
}

/**
 * Listens on `host:port` (port 0 = OS-assigned).
 * @param address - host and port
 * @param handlers - what to do with each connection
 * @returns the listener, once it is bound
 * @throws the listen error (EADDRINUSE, EACCES, ...), or `NotCapable` on Deno without --allow-net
 */
export function listenTcp(address: { host: string; port: number }, handlers: TcpHandlers): Promise<TcpListener> {
  try {
    assertNetPermission(address.host, address.port)
  } catch (error) {
    return Promise.reject(error)
  }
  const sockets = new Set<net.Socket>()
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    const conn = wrap(socket)
    const callbacks = handlers.onConnection(conn)
    // The Buffer goes to the core as it is: the codec's Deframer only reads it and copies each
    // frame into a plain Uint8Array, so nothing below ever slice()s a Buffer (whose slice() is
    // a view, not a copy). Saves a view object per read.
    socket.on('data', callbacks.onData)
    // Socket errors (ECONNRESET, EPIPE) end in 'close'; the device treats them as a hang-up.
    socket.on('error', () => {})
    socket.on('close', () => {
      sockets.delete(socket)
      callbacks.onClose()
    })
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: address.host, port: address.port }, () => {
      server.off('error', reject)
      server.on('error', () => {})
      const bound = server.address() as net.AddressInfo
      resolve({
        host: address.host,
        port: bound.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy()
            server.close(() => done())
          }),
      })
    })
  })
}
