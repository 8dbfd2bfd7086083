/**
 * The 3.5 solicitation (PROTOCOL.md §14.2): a 6699 frame, cmd 37 (REQ_DEVINFO), seq 0, no
 * retcode, no version header, AES-GCM under the udpkey, payload `{"from":"app","ip":"<IPv4>"}`.
 * Devices answer with their beacon JSON, unicast to that IP on port 7000. Pure.
 */
import { CMD, encodeFrame, UDP_FRAMES, UDP_KEY } from '@tuya/codec'
import type { RandomSource } from '@tuya/crypto'
import { isIPv4 } from './beacon-json.ts'
import { optionError } from './option-error.ts'

/** Options of {@link encodeSolicitation}. */
export interface EncodeSolicitationOptions {
  /** The IPv4 address devices should answer to: this host's address on their subnet. */
  ip: string
  /** The 12-byte GCM IV; default fresh from `random`. Never reuse one. */
  iv?: Uint8Array
  /** Source of the IV; default `defaultRandom` of `@tuya/crypto` (pooled `crypto.getRandomValues`). */
  random?: RandomSource
}

/**
 * Builds the solicitation datagram that makes current 3.5 devices announce themselves.
 *
 * @param options - ip (where answers go), iv or random
 * @returns the datagram, to be sent to a broadcast address on UDP 7000
 * @throws RangeError when `ip` is not a dotted-quad IPv4 address (with `option: 'ip'`), or the IV is not 12 bytes
 * @example
 * const datagram = encodeSolicitation({ ip: '192.168.1.10' }) // send to 192.168.1.255:7000
 */
export function encodeSolicitation(options: EncodeSolicitationOptions): Uint8Array {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with an ip')
  if (!isIPv4(options.ip)) throw optionError(RangeError, 'ip', `options.ip must be a dotted-quad IPv4 address, got ${JSON.stringify(options.ip)}`)
  return encodeFrame({
    version: UDP_FRAMES['6699-gcm'].version,
    key: UDP_KEY,
    direction: 'toDevice',
    cmd: CMD.REQ_DEVINFO,
    seq: 0,
    // Compact JSON with this field order, as the official app (the reference scanner adds spaces; devices accept both).
    payload: { from: 'app', ip: options.ip },
    header: false,
    ...(options.iv === undefined ? {} : { iv: options.iv }),
    ...(options.random === undefined ? {} : { random: options.random }),
  })
}
