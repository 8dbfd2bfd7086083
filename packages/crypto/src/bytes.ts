/** Byte helpers shared by the `@tuya/*` packages: Uint8Array only, no Buffer. */

const HEX = '0123456789abcdef'
const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })
const lenientDecoder = new TextDecoder('utf-8')

/** Whether `value` is a Uint8Array (Node's Buffer counts: it is a subclass). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array')
}

/**
 * Checks that `value` is a Uint8Array, optionally of an exact length.
 * @throws TypeError when it is not bytes, RangeError when the length is wrong
 */
export function assertBytes(value: unknown, name: string, length?: number): asserts value is Uint8Array {
  if (!isBytes(value)) throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`)
  if (length !== undefined && value.length !== length) {
    throw new RangeError(`${name} must be ${length} bytes long, got ${value.length}`)
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return typeof value === 'object' ? `an instance of ${value.constructor?.name ?? 'Object'}` : typeof value
}

/**
 * Lower-case hex of `bytes`, for tests and debugging (never for keys in logs).
 * @example bytesToHex(new Uint8Array([0, 255])) // '00ff'
 */
export function bytesToHex(bytes: Uint8Array): string {
  assertBytes(bytes, 'bytes')
  let out = ''
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    out += HEX[b >> 4]! + HEX[b & 15]!
  }
  return out
}

/**
 * Parses hex (either case; spaces, colons and a `0x` prefix are tolerated) into bytes.
 * @throws TypeError for a non-string, RangeError for odd length or a non-hex character
 */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new TypeError(`hex must be a string, got ${describe(hex)}`)
  const clean = hex.replace(/^0x/i, '').replace(/[\s:]/g, '')
  if (clean.length % 2 !== 0) throw new RangeError(`hex must have an even number of digits, got ${clean.length}`)
  const out = new Uint8Array(clean.length / 2)
  for (let i = 0; i < out.length; i++) {
    const hi = hexValue(clean.charCodeAt(2 * i))
    const lo = hexValue(clean.charCodeAt(2 * i + 1))
    if (hi < 0 || lo < 0) throw new RangeError(`hex has a non-hex character near offset ${2 * i}`)
    out[i] = (hi << 4) | lo
  }
  return out
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** UTF-8 bytes of `text`. */
export function utf8ToBytes(text: string): Uint8Array {
  if (typeof text !== 'string') throw new TypeError(`text must be a string, got ${describe(text)}`)
  return encoder.encode(text)
}

/**
 * Decodes UTF-8. With `fatal` (the default) invalid UTF-8 throws a TypeError;
 * otherwise it is replaced with U+FFFD.
 */
export function bytesToUtf8(bytes: Uint8Array, fatal = true): string {
  assertBytes(bytes, 'bytes')
  return (fatal ? decoder : lenientDecoder).decode(bytes)
}

/** Concatenates byte arrays into a new Uint8Array. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0
  for (const p of parts) {
    assertBytes(p, 'part')
    total += p.length
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/**
 * Compares two byte arrays in time that depends only on their lengths, for MACs and
 * handshake proofs (the technique of noble-ciphers `equalBytes`).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a')
  assertBytes(b, 'b')
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}
