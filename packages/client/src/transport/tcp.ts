/**
 * The node:net adapter (Node, Bun and Deno all provide node:net): TCP_NODELAY on, one write
 * per frame, a connect timeout. No protocol here.
 */
import * as net from 'node:net'
import type { ConnectRequest, Connector, Transport, TransportHandlers } from './types.ts'

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
    const socket = net.connect({ host: request.host, port: request.port, noDelay: true })
    let isOpen = false
    let isDone = false
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
    // A node:net chunk is a Uint8Array subclass: handed on without a copy.
    socket.on('data', (chunk: Uint8Array) => {
      if (isOpen) handlers.onData(chunk)
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
