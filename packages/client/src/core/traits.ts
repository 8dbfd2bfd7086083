/**
 * The client's per-version table (STYLE.md "Rule 1"): everything the connection logic needs
 * to know about a version, looked up here instead of tested with `version === …`.
 */
import type { ProtocolVersion } from '@tuya/codec'

/** How the device22 dialect (PROTOCOL.md §9) applies to a version. */
export type Device22Rule = 'never' | 'detect' | 'always'

/** What differs per version for the client. */
export interface VersionTraits {
  /** 3.4/3.5: the session-key negotiation runs on every connection before anything else (§7). */
  readonly handshake: '3.4' | '3.5' | undefined
  /** 3.2 always speaks device22; 3.3/3.4 switch when a query is refused; 3.1/3.5 never (§9). */
  readonly device22: Device22Rule
  /** Frame integrity: 55AA+CRC32 (3.1-3.3), 55AA+HMAC (3.4), 6699+GCM (3.5). */
  readonly integrity: 'crc' | 'hmac' | 'gcm'
  /** Replies echo the request's seq (3.1-3.3); 3.4/3.5 devices number their frames themselves (§12). */
  readonly echoesSeq: boolean
  /**
   * 3.1 sends everything but CONTROL in clear (§6.1): a device that ignores such a query does
   * not speak 3.1, whatever the key.
   */
  readonly sendsClearQueries: boolean
}

/** The table. */
export const TRAITS: Readonly<Record<ProtocolVersion, VersionTraits>> = {
  '3.1': { handshake: undefined, device22: 'never', integrity: 'crc', echoesSeq: true, sendsClearQueries: true },
  '3.2': { handshake: undefined, device22: 'always', integrity: 'crc', echoesSeq: true, sendsClearQueries: false },
  '3.3': { handshake: undefined, device22: 'detect', integrity: 'crc', echoesSeq: true, sendsClearQueries: false },
  '3.4': { handshake: '3.4', device22: 'detect', integrity: 'hmac', echoesSeq: false, sendsClearQueries: false },
  '3.5': { handshake: '3.5', device22: 'never', integrity: 'gcm', echoesSeq: false, sendsClearQueries: false },
}

/**
 * device22 DP-id probe ranges, one per request (§9: the reference client's order; DP 1 is
 * always added by the request builder). Keeps each request well under ~255 bytes of JSON.
 */
export const DEVICE22_PROBE_RANGES: readonly (readonly number[])[] = [
  range(2, 10), range(11, 20), range(21, 30), range(50, 60), range(61, 70),
  range(100, 110), range(111, 120), range(121, 130), range(131, 140),
]

function range(from: number, to: number): number[] {
  const out: number[] = []
  for (let i = from; i <= to; i++) out.push(i)
  return out
}
