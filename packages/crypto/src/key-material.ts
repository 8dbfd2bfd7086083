/**
 * Everything derived from one 16-byte key, in ONE Int32Array (one ArrayBuffer) cached per key
 * array. A fleet keeps thousands of keys (a local key and a session key per device), and each
 * small ArrayBuffer costs ~200 bytes of bookkeeping (the JS buffer and view objects and a C++
 * backing store) on top of its data: a 3.4 key's copies, AES schedules and HMAC pads used to
 * take seven such buffers, and now take one. (GCM's 64 KB hash tables stay apart, in gcm.ts.)
 *
 * Layout, in 32-bit words; a key gets only the parts it has been used for, in this order:
 *
 *   [0, 44)   AES-128 encryption round keys (always; words 0-3 are the key bytes, which is
 *             what each use re-checks the caller's array against)
 *   [44, 88)  AES-128 decryption round keys, once the key has been used for AES-ECB
 *   last 16   HMAC-SHA256 inner and outer pad states, once the key (already used for AES, as
 *             every Tuya key is) has been used for HMAC
 *
 * So a material is 44 (GCM only), 60 (GCM and HMAC: a 3.5 local key), 88 (ECB: 3.1-3.3) or
 * 104 words (ECB and HMAC: 3.4) long. A part that is missing is added by copying the material
 * into a larger array (once per key; a later user of the old array still has valid bytes).
 * Materials are never written after they are handed out.
 */
import { expandKeyInto, invertKeyInto, ROUND_KEY_WORDS } from './aes-round.ts'
import { hmacPadsInto, HMAC_PAD_WORDS } from './sha256.ts'

/** Where the decryption round keys start in a material that has them. */
export const DEC_AT = ROUND_KEY_WORDS

const ENC = ROUND_KEY_WORDS
const ENC_HMAC = ENC + HMAC_PAD_WORDS
const ENC_DEC = 2 * ROUND_KEY_WORDS
const ENC_DEC_HMAC = ENC_DEC + HMAC_PAD_WORDS

// Expanding a key costs more than encrypting a 100-byte frame, and a Tuya peer uses one key
// for many frames. Cache by key array, and re-check the bytes on every hit so a caller that
// mutates its key array still gets the right answer.
const materials = new WeakMap<Uint8Array, Int32Array>()

// A one-entry memo in front of the WeakMap (consecutive frames nearly always share a key):
// strong references to one key and its material.
let lastKey: Uint8Array | undefined
let last: Int32Array | undefined

/** The cached material of `key` if its bytes still match, else undefined. */
function cached(key: Uint8Array): Int32Array | undefined {
  const m = key === lastKey ? last : materials.get(key)
  if (m === undefined) return undefined
  const differ =
    (m[0]! ^ (key[0]! | (key[1]! << 8) | (key[2]! << 16) | (key[3]! << 24))) |
    (m[1]! ^ (key[4]! | (key[5]! << 8) | (key[6]! << 16) | (key[7]! << 24))) |
    (m[2]! ^ (key[8]! | (key[9]! << 8) | (key[10]! << 16) | (key[11]! << 24))) |
    (m[3]! ^ (key[12]! | (key[13]! << 8) | (key[14]! << 16) | (key[15]! << 24)))
  if (differ !== 0) return undefined
  lastKey = key
  last = m
  return m
}

const hasDec = (m: Int32Array): boolean => m.length >= ENC_DEC
const hasHmac = (m: Int32Array): boolean => m.length === ENC_HMAC || m.length === ENC_DEC_HMAC

/**
 * A new material for `key` with the parts of `old` (a material of the same key bytes, or
 * undefined) plus the requested ones, installed in the cache.
 */
function build(key: Uint8Array, old: Int32Array | undefined, dec: boolean, hmac: boolean): Int32Array {
  dec ||= old !== undefined && hasDec(old)
  hmac ||= old !== undefined && hasHmac(old)
  const m = new Int32Array((dec ? ENC_DEC : ENC) + (hmac ? HMAC_PAD_WORDS : 0))
  if (old === undefined) expandKeyInto(key, m)
  else for (let i = 0; i < ENC; i++) m[i] = old[i]!
  if (dec) invertKeyInto(m, DEC_AT)
  if (hmac) hmacPadsInto(key, m, m.length - HMAC_PAD_WORDS)
  materials.set(key, m)
  lastKey = key
  last = m
  return m
}

/**
 * The material of a 16-byte key with (at least) its encryption round keys at 0: for GCM.
 * @param key - 16 bytes (the caller has checked the length)
 */
export function encMaterial(key: Uint8Array): Int32Array {
  return cached(key) ?? build(key, undefined, false, false)
}

/**
 * The material of a 16-byte key with its encryption round keys at 0 and its decryption round
 * keys at {@link DEC_AT}: for ECB (both directions, since an ECB key nearly always does both).
 */
export function ecbMaterial(key: Uint8Array): Int32Array {
  const m = cached(key)
  return m !== undefined && hasDec(m) ? m : build(key, m, true, false)
}

/**
 * The material of a 16-byte key with its HMAC-SHA256 pad states at `m.length - 16` (inner,
 * then outer), if the key has a material (it has been used for AES); undefined if not.
 */
function hmacMaterial(key: Uint8Array): Int32Array | undefined {
  const m = cached(key)
  return m === undefined || hasHmac(m) ? m : build(key, m, false, true)
}

/**
 * The HMAC-SHA256 pad states of a key (any length), at `pads.length - 16`: a key already used
 * for AES (every Tuya key: ECB or GCM comes first) keeps them in its material, next to its
 * round keys; any other key gets 64 bytes of its own (then `pads.length` is 16).
 */
export function hmacPadsOf(key: Uint8Array): Int32Array {
  const m = key.length === 16 ? hmacMaterial(key) : undefined
  if (m !== undefined) return m
  const pads = new Int32Array(HMAC_PAD_WORDS)
  hmacPadsInto(key, pads, 0)
  return pads
}
