/**
 * Key handling: local keys are 16 ASCII characters used as bytes (never hex-decoded,
 * PROTOCOL.md §2), session keys and the udpkey are 16 raw bytes. Each encode or decode
 * imports its key into the caller's keyring (which keeps the imported key for the next
 * frame) or, without one, into a keyring of its own that is wiped when the call returns.
 */
import { createKeyring, isBytes, type Keyring } from '@tuya/crypto'
import { plainBytes } from './bytes.ts'
import type { FrameKey } from './payload.ts'
import type { KeyInput, ProtocolVersion } from './types.ts'
import { isProtocolVersion } from './constants.ts'

const KEY_BYTES = 16

/**
 * Turns a key into its 16 bytes: a 16-character ASCII string gives its character codes, a
 * 16-byte array is returned as is.
 *
 * @param key - a local key such as `'4a5e1f0c9b2d7e38'`, or 16 key bytes
 * @param name - the parameter name used in error messages
 * @returns the 16 key bytes
 * @throws TypeError when `key` is neither a string nor a Uint8Array
 * @throws RangeError when it is not 16 characters / bytes, or has non-ASCII characters
 * @example toKeyBytes('4a5e1f0c9b2d7e38')[0] // 0x34, the character '4'
 */
export function toKeyBytes(key: KeyInput, name = 'key'): Uint8Array {
  if (typeof key === 'string') {
    if (key.length !== KEY_BYTES) throw new RangeError(`${name} must be 16 characters (the device local key, used as ASCII, not hex), got ${key.length}`)
    const out = new Uint8Array(KEY_BYTES)
    for (let i = 0; i < KEY_BYTES; i++) {
      const c = key.charCodeAt(i)
      if (c > 0x7f) throw new RangeError(`${name} must be ASCII; a local key is 16 ASCII characters`)
      out[i] = c
    }
    return out
  }
  if (!isBytes(key)) throw new TypeError(`${name} must be a 16-character string or a 16-byte Uint8Array, got ${key === null ? 'null' : typeof key}`)
  if (key.length !== KEY_BYTES) throw new RangeError(`${name} must be 16 bytes long, got ${key.length}`)
  return plainBytes(key)
}

/**
 * Checks the `keyring` option.
 * @throws TypeError when it is not a Keyring
 */
export function checkKeyring(keyring: unknown, name: string): Keyring | undefined {
  if (keyring === undefined) return undefined
  const k = keyring as Keyring | null
  if (typeof k !== 'object' || k === null || typeof k.key !== 'function' || typeof k.clear !== 'function') {
    throw new TypeError(`${name} must be a Keyring from createKeyring() (@tuya/crypto), or left out`)
  }
  return k
}

/**
 * Runs `fn` with the frame key of `key` (undefined when there is none): imported into
 * `keyring`, or into a one-call keyring wiped afterwards; a string key's bytes are wiped too.
 * @throws TypeError or RangeError for a bad key (before `fn` runs)
 */
export function withFrameKey<T>(key: KeyInput | undefined, keyring: Keyring | undefined, name: string, fn: (key: FrameKey | undefined) => T): T {
  if (key === undefined) return fn(undefined)
  const bytes = toKeyBytes(key, name)
  const ring = keyring ?? createKeyring({ maxKeys: 1 })
  try {
    return fn({ bytes, cipher: ring.key(bytes) })
  } finally {
    if (keyring === undefined) ring.clear()
    if (typeof key === 'string') bytes.fill(0)
  }
}

/**
 * The 15-byte version header of a protocol version: `"3.x"` followed by 12 zero bytes (PROTOCOL.md §5).
 *
 * @param version - the protocol version
 * @returns a fresh 15-byte array
 * @throws RangeError for an unknown version
 * @example versionHeader('3.3') // 33 2e 33 00 … 00
 */
export function versionHeader(version: ProtocolVersion): Uint8Array {
  if (!isProtocolVersion(version)) throw new RangeError(`version must be one of 3.1, 3.2, 3.3, 3.4, 3.5, got ${String(version)}`)
  const out = new Uint8Array(15)
  out[0] = 0x33
  out[1] = 0x2e
  out[2] = version.charCodeAt(2)
  return out
}
