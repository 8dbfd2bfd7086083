/**
 * The sans-I/O discovery state (STYLE.md: inputs are method calls, outputs are return values,
 * time is passed in): datagrams in, device records, changes and counters out. The socket
 * adapter and the tests drive it; it never touches a socket or a clock.
 */
import { DEFAULT_MAX_DATAGRAM_BYTES, DEFAULT_MAX_DEVICES, IGNORED_REASONS } from './constants.ts'
import { decodeBeacon } from './decode-beacon.ts'
import { optionError } from './option-error.ts'
import type { Beacon, DatagramSource, DeviceChange, DiscoveredDevice, DiscoveryStats, IgnoredDatagram, IgnoredReason } from './types.ts'

/** Options of {@link DiscoveryCore}. */
export interface DiscoveryCoreOptions {
  /** Default {@link DEFAULT_MAX_DATAGRAM_BYTES}. */
  maxDatagramBytes?: number
  /** Default {@link DEFAULT_MAX_DEVICES}. */
  maxDevices?: number
}

/** What {@link DiscoveryCore.receive} made of a datagram. */
export type ReceiveResult =
  /** A beacon: the updated record, and `change` when it is new or its details changed (else undefined). */
  | { type: 'beacon'; device: DiscoveredDevice; change: DeviceChange | undefined }
  | IgnoredDatagram

function positiveInteger(value: number | undefined, fallback: number, name: 'maxDatagramBytes' | 'maxDevices'): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < 1) throw optionError(RangeError, name, `${name} must be a positive integer, got ${String(value)}`)
  return value
}

/** Whether the fields a client acts on differ (address, version, product, encryption). */
function hasChanged(before: Beacon, after: Beacon): boolean {
  return (
    before.ip !== after.ip ||
    before.source.address !== after.source.address ||
    before.version !== after.version ||
    before.productKey !== after.productKey ||
    before.isEncrypted !== after.isEncrypted
  )
}

/** The discovery's device table and counters, fed one datagram at a time. */
export class DiscoveryCore {
  readonly #devices = new Map<string, DiscoveredDevice>()
  readonly #ignored: Record<IgnoredReason, number>
  readonly #maxDatagramBytes: number
  readonly #maxDevices: number
  #received = 0
  #decoded = 0
  #solicitationsSent = 0
  #sendErrors = 0

  /**
   * @param options - maxDatagramBytes, maxDevices
   * @throws RangeError for a limit that is not a positive integer (with `option` naming it)
   */
  constructor(options: DiscoveryCoreOptions = {}) {
    this.#maxDatagramBytes = positiveInteger(options.maxDatagramBytes, DEFAULT_MAX_DATAGRAM_BYTES, 'maxDatagramBytes')
    this.#maxDevices = positiveInteger(options.maxDevices, DEFAULT_MAX_DEVICES, 'maxDevices')
    this.#ignored = Object.fromEntries(IGNORED_REASONS.map((r) => [r, 0])) as Record<IgnoredReason, number>
  }

  /**
   * Feeds one datagram.
   * @param bytes - the datagram
   * @param source - its sender
   * @param localPort - the local port it arrived on
   * @param nowMs - the current time (ms since the epoch)
   * @returns the beacon's device record and change, or why it was ignored
   */
  receive(bytes: Uint8Array, source: DatagramSource, localPort: number, nowMs: number): ReceiveResult {
    this.#received++
    const result = decodeBeacon(bytes, source, { maxDatagramBytes: this.#maxDatagramBytes })
    if (result.type === 'ignored') return this.#ignore(result)
    const { beacon } = result
    const known = this.#devices.get(beacon.id)
    if (known === undefined && this.#devices.size >= this.#maxDevices) {
      return this.#ignore({ type: 'ignored', reason: 'too-many-devices', message: `already ${this.#maxDevices} devices known (maxDevices)` })
    }
    this.#decoded++
    const device: DiscoveredDevice = {
      ...beacon,
      firstSeenMs: known?.firstSeenMs ?? nowMs,
      lastSeenMs: nowMs,
      beaconCount: (known?.beaconCount ?? 0) + 1,
      localPort,
    }
    this.#devices.set(beacon.id, device)
    const change: DeviceChange | undefined = known === undefined ? 'new' : hasChanged(known, beacon) ? 'updated' : undefined
    return { type: 'beacon', device, change }
  }

  /** Counts a solicitation that was sent (`isSent`) or refused by the operating system. */
  noteSolicitation(isSent: boolean): void {
    if (isSent) this.#solicitationsSent++
    else this.#sendErrors++
  }

  /** The record of one device id, if seen. */
  get(id: string): DiscoveredDevice | undefined {
    return this.#devices.get(id)
  }

  /** Every known device, in the order first seen. */
  devices(): DiscoveredDevice[] {
    return [...this.#devices.values()]
  }

  /** A snapshot of the counters. */
  get stats(): DiscoveryStats {
    return {
      received: this.#received,
      decoded: this.#decoded,
      ignored: { ...this.#ignored },
      devices: this.#devices.size,
      solicitationsSent: this.#solicitationsSent,
      sendErrors: this.#sendErrors,
    }
  }

  #ignore(result: IgnoredDatagram): IgnoredDatagram {
    this.#ignored[result.reason]++
    return result
  }
}
