/**
 * The negotiation rules of each handshake version, looked up from the codec's version table
 * (`VERSION_FACTS`, STYLE.md, h11 `_state.py` "Rule 1"): this file keys the key derivation by
 * `sessionKeyCipher` and never tests a version string.
 */
import { PROTOCOL_VERSIONS, sniffFrame, VERSION_FACTS, type FrameFormat, type HandshakeVersion, type ProtocolVersion, type VersionFacts } from '@tuya/codec'
import { aesEcbEncrypt, aesGcmEncrypt, assertBytes, type KeyOrCipher } from '@tuya/crypto'

/** Length of both nonces (client `cn`, device `dn`) and of the session key, in bytes. */
export const NONCE_BYTES = 16

/** `session key = f(LK, cn, dn)` (PROTOCOL.md §7). */
type Derivation = (localKey: KeyOrCipher, clientNonce: Uint8Array, deviceNonce: Uint8Array) => Uint8Array

/** Per-version rules of the negotiation. */
export interface HandshakeRules {
  /** The frame format every frame of this version uses (PROTOCOL.md §3). */
  readonly format: FrameFormat
  /** `session key = f(LK, cn, dn)` (PROTOCOL.md §7). */
  readonly deriveSessionKey: Derivation
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

/** The derivation for each `sessionKeyCipher` of the table. */
const DERIVATIONS: { readonly [C in NonNullable<VersionFacts['sessionKeyCipher']>]: Derivation } = {
  // One AES-ECB block of cn XOR dn under the local key, no padding (PROTOCOL.md §7;
  // handshake_v34.json `derivation`).
  'aes-ecb': (localKey, clientNonce, deviceNonce) => aesEcbEncrypt(localKey, xorNonces(clientNonce, deviceNonce), { padding: false }),
  // The first 16 bytes of AES-GCM(LK, iv = cn[0:12], aad empty, cn XOR dn); the tag is
  // discarded (PROTOCOL.md §7; handshake_v35.json `derivation`).
  'aes-gcm': (localKey, clientNonce, deviceNonce) => {
    const sealed = aesGcmEncrypt(localKey, clientNonce.subarray(0, 12), xorNonces(clientNonce, deviceNonce))
    const sessionKey = sealed.slice(0, NONCE_BYTES)
    sealed.fill(0)
    return sessionKey
  },
}

// A frame whose keyless checks fit a version without a handshake (for 55AA: a valid CRC32
// trailer, PROTOCOL.md §3.1) belongs to such an older version; a 3.4 HMAC trailer passes the
// CRC check by chance with probability 2^-32.
function isNoHandshakeFrame(frame: Uint8Array): boolean {
  try {
    return sniffFrame(frame).versions.some((v) => !VERSION_FACTS[v].hasHandshake)
  } catch {
    return false
  }
}

const HANDSHAKE_VERSIONS = PROTOCOL_VERSIONS.filter((v): v is HandshakeVersion => VERSION_FACTS[v].hasHandshake)
const PLAIN_VERSIONS = PROTOCOL_VERSIONS.filter((v) => !VERSION_FACTS[v].hasHandshake)

function rulesOf(version: HandshakeVersion): HandshakeRules {
  const { format, sessionKeyCipher } = VERSION_FACTS[version]
  if (sessionKeyCipher === undefined) throw new TypeError(`the version table gives ${version} a handshake but no sessionKeyCipher`)
  // Only a format older versions share can carry their frames.
  const isShared = PLAIN_VERSIONS.some((v) => VERSION_FACTS[v].format === format)
  return Object.freeze({ format, deriveSessionKey: DERIVATIONS[sessionKeyCipher], isOlderVersionFrame: isShared ? isNoHandshakeFrame : () => false })
}

/** The negotiation rules of each version. */
export const PROTOCOLS: { readonly [V in HandshakeVersion]: HandshakeRules } = Object.freeze(
  Object.fromEntries(HANDSHAKE_VERSIONS.map((v) => [v, rulesOf(v)])) as { [V in HandshakeVersion]: HandshakeRules },
)

// "3.1-3.4", "3.5": the versions of a list as a range (the table lists them oldest first).
function span(versions: readonly ProtocolVersion[]): string {
  return versions.length === 1 ? versions[0]! : `${versions[0]}-${versions.at(-1)}`
}

const quoted = (versions: readonly ProtocolVersion[]): string => versions.map((v) => `'${v}'`).join(' or ')

function formatNote(format: FrameFormat): { readonly frame: string; readonly fix: string } {
  const all = PROTOCOL_VERSIONS.filter((v) => VERSION_FACTS[v].format === format)
  const plain = all.filter((v) => !VERSION_FACTS[v].hasHandshake)
  const fix = `use version ${quoted(all.filter((v) => VERSION_FACTS[v].hasHandshake))}`
  return {
    frame: `a ${format.toUpperCase()} frame (protocol ${span(all)})`,
    fix: plain.length === 0 ? fix : `${fix} (${span(plain)} have no handshake and need no session)`,
  }
}

/** What a frame format tells about the peer's version, and what to do, for error messages. */
export const FORMAT_VERSIONS: { readonly [F in FrameFormat]: { readonly frame: string; readonly fix: string } } = Object.freeze({
  '55aa': formatNote('55aa'),
  '6699': formatNote('6699'),
})

/**
 * The rules for `version`.
 * @throws RangeError when `version` has no handshake
 */
export function handshakeRules(version: unknown): HandshakeRules {
  if (typeof version === 'string' && Object.hasOwn(PROTOCOLS, version)) return PROTOCOLS[version as HandshakeVersion]
  throw new RangeError(`version must be ${quoted(HANDSHAKE_VERSIONS)} (${span(PLAIN_VERSIONS)} have no session handshake), got ${String(version)}`)
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
