/**
 * Ports, intervals and limits of UDP discovery (PROTOCOL.md §1, §14, §15).
 */
import type { IgnoredReason } from './types.ts'

/** The three UDP ports devices talk on, by role. */
export interface DiscoveryPorts {
  /** 3.1 plaintext beacons. Default 6666. */
  plaintext: number
  /** 3.2-3.4 AES-ECB beacons and older 3.5 AES-GCM beacons. Default 6667. */
  encrypted: number
  /** Answers of 3.5 devices to a solicitation (and other apps' solicitations). Default 7000. */
  replies: number
}

/** The ports Tuya devices use: 6666, 6667 and 7000. */
export const DEFAULT_PORTS: Readonly<DiscoveryPorts> = Object.freeze({ plaintext: 6666, encrypted: 6667, replies: 7000 })

/** Port 3.5 devices listen on for solicitations. */
export const DEFAULT_SOLICIT_PORT = 7000

/** Solicitation period while listening (§14.2: "about every 6 s"). */
export const DEFAULT_SOLICIT_INTERVAL_MS = 6000

/**
 * Default `scan()` duration without `ids`: beacons come every 3-8 s (official firmware: 5 s),
 * so 10 s sees every beaconing device at least once. With `ids` a scan ends as soon as all are seen.
 */
export const DEFAULT_SCAN_TIMEOUT_MS = 10_000

/** Default `findDevice()` timeout: two beacon periods of official firmware. */
export const DEFAULT_FIND_TIMEOUT_MS = 10_000

/** Largest datagram decoded (official firmware frames stay under 4096 bytes; beacons are ~300). */
export const DEFAULT_MAX_DATAGRAM_BYTES = 4096

/** Most distinct device ids kept: bounds memory against a flood of forged beacons. */
export const DEFAULT_MAX_DEVICES = 4096

/** Every {@link IgnoredReason}, in a stable order (for counters and tables). */
export const IGNORED_REASONS: readonly IgnoredReason[] = Object.freeze([
  'empty',
  'oversized',
  'foreign',
  'bad-frame',
  'decrypt-failed',
  'not-json',
  'not-a-beacon',
  'solicitation',
  'too-many-devices',
] as const)
