/**
 * The transport contract: what the discovery needs from a UDP stack. `udpTransport()`
 * (node:dgram; Node, Bun, Deno) and `memoryTransport()` (tests) implement it.
 */
import type { DatagramSource } from '../types.ts'

/** One bound UDP socket. */
export interface DatagramSocket {
  /** The bound local port (the OS-assigned one when 0 was asked for). */
  readonly port: number
  /**
   * Sends one datagram.
   * @throws the system error when the operating system refuses it
   */
  send(bytes: Uint8Array, port: number, address: string): Promise<void>
  /** Closes the socket; idempotent. */
  close(): Promise<void>
}

/** What {@link DiscoveryTransport.open} needs. */
export interface OpenSocketOptions {
  /** Local port; 0 = OS-assigned. */
  port: number
  /** Local address, such as `0.0.0.0`. */
  address: string
  /** Allow sending to broadcast addresses. */
  isBroadcast: boolean
  /** Called for every datagram received. */
  onMessage(bytes: Uint8Array, source: DatagramSource): void
  /** Called for socket errors after the bind. */
  onError(error: Error): void
}

/** Opens UDP sockets for a discovery instance. */
export interface DiscoveryTransport {
  /**
   * Binds one socket, sharing the port with other listeners (SO_REUSEADDR).
   * @throws DiscoveryBindError when the port cannot be bound
   */
  open(options: OpenSocketOptions): Promise<DatagramSocket>
}
