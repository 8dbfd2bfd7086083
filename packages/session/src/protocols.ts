/**
 * Everything that differs between the 3.4 and 3.5 negotiations, in one table (STYLE.md,
 * h11 `_state.py` "Rule 1"). No other file branches on the version.
 */
import { sniffFrame, VERSION_FACTS, type FrameFormat } from '@tuya/codec'
import { aesEcbEncrypt, aesGcmEncrypt, assertBytes, type KeyOrCipher } from '@tuya/crypto'
import type { HandshakeVersion } from './types.ts'

/** Length of both nonces (client `cn`, device `dn`) and of the session key, in bytes. */
export const NONCE_BYTES = 16

/** Per-version rules of the negotiation. */
export interface HandshakeRules {
  /** The frame format every frame of this version uses (PROTOCOL.md §3). */
  readonly format: FrameFormat
  /** `session key = f(LK, cn, dn)` (PROTOCOL.md §7). */
  readonly deriveSessionKey: (localKey: KeyOrCipher, clientNonce: Uint8Array, deviceNonce: Uint8Array) => Uint8Array
  /**
   * Whether a frame that failed this version's checks is a frame of an older version of
   * the same format (3.4: a valid CRC32 trailer means 3.1-3.3; rustuya uses the same test).
   */
  readonly isOlderVersionFrame: (frame: Uint8Array) => boolean
}

function xorNonces(clientNonce: Uint8Array, deviceNonce: Uint8Array): Uint8Array {
  const x = new Uint8Array(NONCE_BYTES)
  for (let i = 0; i < NONCE_BYTES; i++) x[i] = clientNonce[i]! ^ deviceNonce[i]!
  return x
}

// 3.4: one AES-ECB block of cn XOR dn under the local key, no padding (PROTOCOL.md §7;
// handshake_v34.json `derivation`).
function deriveV34(localKey: KeyOrCipher, clientNonce: Uint8Array, deviceNonce: Uint8Array): Uint8Array {
  return aesEcbEncrypt(localKey, xorNonces(clientNonce, deviceNonce), { padding: false })
}

// 3.5: the first 16 bytes of AES-GCM(LK, iv = cn[0:12], aad empty, cn XOR dn); the tag is
// discarded (PROTOCOL.md §7; handshake_v35.json `derivation`).
function deriveV35(localKey: KeyOrCipher, clientNonce: Uint8Array, deviceNonce: Uint8Array): Uint8Array {
  const sealed = aesGcmEncrypt(localKey, clientNonce.subarray(0, 12), xorNonces(clientNonce, deviceNonce))
  const sessionKey = sealed.slice(0, NONCE_BYTES)
  sealed.fill(0)
  return sessionKey
}

// A 55AA frame ending in a valid CRC32 belongs to 3.1-3.3 (PROTOCOL.md §3.1); a 3.4 HMAC
// trailer passes this by chance with probability 2^-32.
function hasCrcTrailer(frame: Uint8Array): boolean {
  try {
    return sniffFrame(frame).hasCrc
  } catch {
    return false
  }
}

/** The negotiation rules of each version. */
export const PROTOCOLS: { readonly [V in HandshakeVersion]: HandshakeRules } = {
  '3.4': { format: VERSION_FACTS['3.4'].format, deriveSessionKey: deriveV34, isOlderVersionFrame: hasCrcTrailer },
  '3.5': { format: VERSION_FACTS['3.5'].format, deriveSessionKey: deriveV35, isOlderVersionFrame: () => false },
}

/** What a frame format tells about the peer's version, and what to do, for error messages. */
export const FORMAT_VERSIONS: { readonly [F in FrameFormat]: { readonly frame: string; readonly fix: string } } = {
  '55aa': { frame: 'a 55AA frame (protocol 3.1-3.4)', fix: "use version '3.4' (3.1-3.3 have no handshake and need no session)" },
  '6699': { frame: 'a 6699 frame (protocol 3.5)', fix: "use version '3.5'" },
}

/**
 * The rules for `version`.
 * @throws RangeError when `version` has no handshake
 */
export function handshakeRules(version: unknown): HandshakeRules {
  if (typeof version === 'string' && Object.hasOwn(PROTOCOLS, version)) return PROTOCOLS[version as HandshakeVersion]
  throw new RangeError(`version must be '3.4' or '3.5' (3.1-3.3 have no session handshake), got ${String(version)}`)
}

/**
 * Derives the session key of a 3.4 or 3.5 connection from the local key and both nonces
 * (PROTOCOL.md §7); a session does this itself, this is for tests and tools.
 *
 * @param version - `'3.4'` (AES-ECB of cn XOR dn) or `'3.5'` (first 16 bytes of AES-GCM with IV cn[0:12])
 * @param localKey - the 16 local-key bytes
 * @param clientNonce - the 16-byte nonce of START
 * @param deviceNonce - the 16-byte nonce of RESP
 * @returns the 16-byte session key
 * @throws RangeError for another version or wrong lengths; TypeError for non-bytes
 * @example deriveSessionKey('3.4', utf8ToBytes('4a5e1f0c9b2d7e38'), cn, dn)
 */
export function deriveSessionKey(
  version: HandshakeVersion,
  localKey: Uint8Array,
  clientNonce: Uint8Array,
  deviceNonce: Uint8Array,
): Uint8Array {
  const rules = handshakeRules(version)
  assertBytes(localKey, 'localKey', 16)
  assertBytes(clientNonce, 'clientNonce', NONCE_BYTES)
  assertBytes(deviceNonce, 'deviceNonce', NONCE_BYTES)
  return rules.deriveSessionKey(localKey, clientNonce, deviceNonce)
}
