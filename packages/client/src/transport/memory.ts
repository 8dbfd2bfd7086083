/**
 * `memoryTransport()`: an in-process {@link Connector} for tests, like yamux's duplexPair.
 * The test plays the device: it receives a {@link MemoryPeer} per connection attempt.
 * Delivery is asynchronous (a microtask), as with a real socket.
 */
import { checkHandlers, type Connector, type Transport, type TransportHandlers } from './types.ts'

/** The device end of one in-memory connection. */
export interface MemoryPeer {
  /** Set this to receive what the client writes (one call per client write). */
  onData: ((bytes: Uint8Array) => void) | undefined
  /** Set this to learn that the client closed the connection. */
  onClose: (() => void) | undefined
  /** Whether either side has closed the connection. */
  readonly isClosed: boolean
  /** Sends bytes to the client. */
  write(bytes: Uint8Array): void
  /** Closes the connection from the device side; `error` makes it an abnormal close. */
  close(error?: Error): void
}

/**
 * What to do with a connection attempt: return `false` to refuse it (the client sees
 * ECONNREFUSED), anything else to accept it.
 */
export type MemoryAcceptor = (peer: MemoryPeer) => boolean | void

class Pair {
  isClosed = false
  readonly handlers: TransportHandlers
  readonly peer: MemoryPeer

  constructor(handlers: TransportHandlers) {
    this.handlers = handlers
    const self = this
    this.peer = {
      onData: undefined,
      onClose: undefined,
      get isClosed() {
        return self.isClosed
      },
      write(bytes) {
        if (self.isClosed) return
        const copy = bytes.slice()
        queueMicrotask(() => {
          if (!self.isClosed) self.handlers.onData(copy)
        })
      },
      close(error) {
        self.shut(error, true)
      },
    }
  }

  transport(): Transport {
    return {
      write: (bytes) => {
        if (this.isClosed) return
        const copy = bytes.slice()
        queueMicrotask(() => {
          if (!this.isClosed) this.peer.onData?.(copy)
        })
      },
      close: () => this.shut(undefined, false),
    }
  }

  shut(error: Error | undefined, byPeer: boolean): void {
    if (this.isClosed) return
    this.isClosed = true
    queueMicrotask(() => {
      this.handlers.onClose(error)
      if (!byPeer) this.peer.onClose?.()
    })
  }
}

/**
 * An in-memory {@link Connector}: each connection attempt calls `accept` with the device end.
 *
 * @param accept - plays the device: set `peer.onData`, answer with `peer.write`; return false to refuse
 * @returns a connector for the `transport` option of createDevice
 * @example
 * const transport = memoryTransport((peer) => { peer.onData = (bytes) => peer.write(answer(bytes)) })
 * const device = createDevice({ id, key, host: 'memory', version: '3.3', transport })
 */
export function memoryTransport(accept: MemoryAcceptor): Connector {
  return (request, handlers) => {
    if (request.signal.aborted) return Promise.reject(request.signal.reason)
    try {
      checkHandlers(handlers)
    } catch (error) {
      return Promise.reject(error)
    }
    const pair = new Pair(handlers)
    if (accept(pair.peer) === false) {
      const error = new Error(`connect ECONNREFUSED ${request.host}:${request.port} (memoryTransport refused)`) as Error & { code: string }
      error.code = 'ECONNREFUSED'
      return Promise.reject(error)
    }
    return Promise.resolve(pair.transport())
  }
}
