/**
 * The node:net adapter (Node, Bun and Deno all provide node:net): TCP_NODELAY on, one write
 * per frame, a connect timeout. No protocol here.
 *
 * Reads use `onread` (node:net's reuse-one-buffer mode, supported by Node, Bun and Deno)
 * instead of 'data' events: no Buffer and no stream bookkeeping per read, which is a third of
 * the client's own CPU time per request on loopback. Every socket of the process reads into
 * the same buffer: read callbacks run one at a time, and the engine copies what it keeps
 * (the deframer copies frames and partial frames) before the callback returns.
 */
import * as net from 'node:net'
import type { ConnectRequest, Connector, Transport, TransportHandlers } from './types.ts'

const READ_BUFFER_BYTES = 64 * 1024
let readBuffer: Uint8Array | undefined

/**
 * A {@link Connector} over TCP (`node:net`), with Nagle's algorithm off.
 *
 * @param request - host, port, timeoutMs, signal
 * @param handlers - receive data and the close
 * @returns the open transport
 * @throws the socket error (ECONNREFUSED, ...), an Error named `TimeoutError`, or the signal's reason
 */
export const tcpConnector: Connector = (request: ConnectRequest, handlers: TransportHandlers): Promise<Transport> => {
  const { signal } = request
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<Transport>((resolve, reject) => {
    let isOpen = false
    let isDone = false
    const buffer = (readBuffer ??= new Uint8Array(READ_BUFFER_BYTES))
    const socket = net.connect({
      host: request.host,
      port: request.port,
      noDelay: true,
      onread: {
        buffer,
        callback: (length: number): boolean => {
          if (isOpen && length > 0) handlers.onData(buffer.subarray(0, length))
          return true
        },
      },
    })
    const finish = (error?: Error): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      if (isOpen) return
      isDone = true
      socket.destroy()
      reject(error)
    }
    const onAbort = (): void => finish(signal.reason as Error)
    const timer = setTimeout(() => {
      const error = new Error(`TCP connect to ${request.host}:${request.port} timed out after ${request.timeoutMs} ms`)
      error.name = 'TimeoutError'
      finish(error)
    }, request.timeoutMs)
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once('connect', () => {
      if (isDone) return
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      isOpen = true
      socket.setNoDelay(true)
      resolve({
        write: (bytes) => {
          if (!socket.destroyed) socket.write(bytes)
        },
        close: () => {
          socket.destroy()
        },
      })
    })
    let closeError: Error | undefined
    socket.on('error', (error) => {
      if (isOpen) closeError = error
      else finish(error)
    })
    socket.on('close', () => {
      if (isOpen) handlers.onClose(closeError)
    })
  })
}
