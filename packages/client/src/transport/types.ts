/**
 * The I/O boundary of the client: a connection is bytes out (`write`) and bytes in
 * (`onData`), nothing else. The node:net adapter and `memoryTransport()` implement it.
 */

/** An open connection to a device. */
export interface Transport {
  /** Writes one frame with one write call (PROTOCOL.md §18.30). */
  write(bytes: Uint8Array): void
  /** Closes the connection; `onClose` follows asynchronously (at most once). */
  close(): void
}

/**
 * Callbacks a connector delivers to. Neither is ever called synchronously from `write`/`close`.
 * The client passes a class instance (its methods are on the prototype), so a connector that
 * wraps another passes an object of its own with both methods: `{ ...handlers }` has neither.
 */
export interface TransportHandlers {
  /**
   * Bytes arrived (a chunk of the stream: part of a frame, one frame or several). The bytes are
   * valid during the call only (the node:net adapter reads every socket into one reused
   * buffer): copy what you keep.
   */
  onData(bytes: Uint8Array): void
  /** The connection ended; `error` says why when it was not a clean close. */
  onClose(error?: Error): void
}

/** Where and how to connect. */
export interface ConnectRequest {
  host: string
  port: number
  /** Give up the TCP connect after this many ms. */
  timeoutMs: number
  /** Aborts the connect attempt. */
  signal: AbortSignal
}

/**
 * Opens a connection: resolves once it is established (then `handlers` receive its data),
 * rejects with an Error when it cannot be (refused, unreachable, timeout, aborted).
 */
export type Connector = (request: ConnectRequest, handlers: TransportHandlers) => Promise<Transport>

/** Arms a one-shot timer and returns the function that cancels it. */
export type SetTimer = (callback: () => void, delayMs: number) => () => void

/**
 * Limits how many devices connect at the same time (a fleet shares one). `acquire` resolves
 * with the function that gives the slot back; the client calls it once its connection
 * attempt has finished (online, or failed).
 */
export interface ConnectGate {
  acquire(signal: AbortSignal): Promise<() => void>
}

/**
 * Checks the handlers a connector got, so that a wrapper that lost a method fails its connect
 * with a TypeError that says so, instead of a connection whose close nobody hears.
 * @param handlers - what the connector was given
 * @throws TypeError when `onData` or `onClose` is not a function
 */
export function checkHandlers(handlers: TransportHandlers): void {
  for (const name of ['onData', 'onClose'] as const) {
    if (typeof handlers?.[name] !== 'function') {
      throw new TypeError(`the connector's handlers have no ${name} function: a wrapping connector must pass { onData, onClose } calling the ones it got ({ ...handlers } copies neither: they are methods of a class)`)
    }
  }
}
