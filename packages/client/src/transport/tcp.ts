/**
 * The node:net adapter (Node, Bun and Deno all provide node:net): TCP_NODELAY on, one write
 * per frame, a connect timeout. No protocol here.
 *
 * Reads use `onread` (node:net's reuse-one-buffer mode, supported by Node, Bun and Deno)
 * instead of 'data' events: no Buffer and no stream bookkeeping per read, which is a third of
 * the client's own CPU time per request on loopback. Every socket of the process reads into
 * the same buffer: read callbacks run one at a time, and the engine copies what it keeps
 * (the deframer copies frames and partial frames) before the callback returns.
 *
 * An open connection keeps only its {@link TcpTransport} (the socket's listeners are shared
 * functions that find it through the socket): the connect attempt's promise, timer, signal
 * listener and request are let go once it is open, so a thousand idle connections do not
 * hold a thousand of each.
 */
import * as net from 'node:net'
import { startTimer } from '@tuya/platform'
import { ConnectionError } from '../errors.ts'
import { checkHandlers, type ConnectRequest, type Connector, type Transport, type TransportHandlers } from './types.ts'

const READ_BUFFER_BYTES = 64 * 1024
let readBuffer: Uint8Array | undefined

/** The socket property that leads its shared listeners to the transport. */
const TRANSPORT = Symbol('tuya.tcpTransport')
type OwnedSocket = net.Socket & { [TRANSPORT]: TcpTransport }

/** One TCP connection, from the connect attempt on. */
class TcpTransport implements Transport {
  readonly socket: OwnedSocket
  readonly #handlers: TransportHandlers
  #isOpen = false
  #closeError: Error | undefined
  /** Settles the connect attempt (success without an error); undefined once settled. */
  settle: ((error?: Error) => void) | undefined

  constructor(host: string, port: number, handlers: TransportHandlers) {
    this.#handlers = handlers
    // A bound method (not a closure): Bun calls `onread` without the socket as `this`.
    const socket = net.connect({ host, port, noDelay: true, onread: { buffer: (readBuffer ??= new Uint8Array(READ_BUFFER_BYTES)), callback: this.onRead.bind(this) } }) as OwnedSocket
    socket[TRANSPORT] = this
    this.socket = socket
    socket.once('connect', onConnect)
    socket.on('error', onError)
    socket.on('close', onClose)
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes)
  }

  close(): void {
    this.socket.destroy()
  }

  /** The connection is established: from now on reads and the close go to the handlers. */
  open(): void {
    this.#isOpen = true
    this.socket.setNoDelay(true)
  }

  onRead(length: number): boolean {
    if (this.#isOpen && length > 0) this.#handlers.onData(readBuffer!.subarray(0, length))
    return true
  }

  onError(error: Error): void {
    if (this.#isOpen) this.#closeError = error
    else this.settle?.(error)
  }

  onClose(): void {
    if (this.#isOpen) this.#handlers.onClose(this.#closeError)
  }
}

function onConnect(this: OwnedSocket): void {
  this[TRANSPORT].settle?.()
}

function onError(this: OwnedSocket, error: Error): void {
  this[TRANSPORT].onError(error)
}

function onClose(this: OwnedSocket): void {
  this[TRANSPORT].onClose()
}

/**
 * A {@link Connector} over TCP (`node:net`), with Nagle's algorithm off.
 *
 * @param request - host, port, timeoutMs, signal
 * @param handlers - receive data and the close
 * @returns the open transport
 * @throws the socket error (ECONNREFUSED, ...), a ConnectionError with failure `open-timeout`, the signal's reason, or a TypeError for handlers without `onData`/`onClose`
 */
export const tcpConnector: Connector = (request: ConnectRequest, handlers: TransportHandlers): Promise<Transport> => {
  const { signal } = request
  if (signal.aborted) return Promise.reject(signal.reason)
  try {
    checkHandlers(handlers)
  } catch (error) {
    return Promise.reject(error)
  }
  return new Promise<Transport>((resolve, reject) => {
    const transport = new TcpTransport(request.host, request.port, handlers)
    const settle = (error?: Error): void => {
      timer.cancel()
      signal.removeEventListener('abort', onAbort)
      transport.settle = undefined
      if (error === undefined) {
        transport.open()
        resolve(transport)
      } else {
        transport.socket.destroy()
        reject(error)
      }
    }
    const onAbort = (): void => settle(signal.reason as Error)
    const timer = startTimer(request.timeoutMs, () => {
      settle(new ConnectionError(`TCP connect to ${request.host}:${request.port} timed out after ${request.timeoutMs} ms`, { failure: 'open-timeout' }))
    })
    signal.addEventListener('abort', onAbort, { once: true })
    transport.settle = settle
  })
}
