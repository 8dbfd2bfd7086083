/**
 * Byte helpers for the hot paths: big-endian integers by shifts (exported for every package:
 * one reader and one writer), ASCII tests (internal).
 */

/**
 * Reads an unsigned 32-bit big-endian integer.
 * @param b - the bytes
 * @param i - the offset (the caller checks that 4 bytes are there)
 * @returns the integer
 */
export function readU32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0
}

/**
 * Writes an unsigned 32-bit big-endian integer.
 * @param b - the bytes
 * @param i - the offset (the caller checks that 4 bytes are there)
 * @param value - the integer (taken modulo 2^32)
 */
export function writeU32(b: Uint8Array, i: number, value: number): void {
  b[i] = value >>> 24
  b[i + 1] = value >>> 16
  b[i + 2] = value >>> 8
  b[i + 3] = value
}

/** Whether `b` starts with `"3."` and a digit and is long enough to hold a 15-byte header (PROTOCOL.md §5.2). */
export function hasVersionPrefix(b: Uint8Array, headerBytes: number): boolean {
  return hasVersionPrefixAt(b, 0, b.length, headerBytes)
}

/** {@link hasVersionPrefix} for `b[start:end]`. */
export function hasVersionPrefixAt(b: Uint8Array, start: number, end: number, headerBytes: number): boolean {
  return end - start >= headerBytes && b[start] === 0x33 && b[start + 1] === 0x2e && b[start + 2]! >= 0x30 && b[start + 2]! <= 0x39
}

/** Whether every byte of `b[start:end]` is printable ASCII (space..tilde, tab, CR, LF): a clear-text error text. */
export function isPrintableAscii(b: Uint8Array, start = 0, end = b.length): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i]!
    if ((c < 0x20 || c > 0x7e) && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false
  }
  return true
}

/** Whether `b[start:end]` starts with the bytes of `prefix`. */
export function startsWith(b: Uint8Array, prefix: Uint8Array, start = 0, end = b.length): boolean {
  if (end - start < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (b[start + i] !== prefix[i]) return false
  return true
}

/**
 * `b[start:end]` as an array: `b` itself when that is all of it, a shared empty array when
 * empty, else a view. Views cost an object each (~100 bytes of heap in V8), so the hot paths
 * pass offsets around and make a view only for what they hand out or must pass as an array.
 */
export function view(b: Uint8Array, start: number, end: number): Uint8Array {
  if (start === 0 && end === b.length) return b
  return start === end ? NO_BYTES : b.subarray(start, end)
}

/**
 * A shared empty array. Frozen (a zero-length typed array can be), so nobody can hang
 * properties on it; decoded frames with an empty payload all share it.
 */
export const NO_BYTES: Uint8Array = Object.freeze(new Uint8Array(0))

/** ASCII bytes of a string known to be ASCII. */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i)
  return out
}

const HEX = ascii('0123456789abcdef')

/** Lower-case hex of `b[start:end]` as ASCII bytes written into `out` at `at`. */
export function writeHexAscii(out: Uint8Array, at: number, b: Uint8Array, start: number, end: number): void {
  for (let i = start; i < end; i++) {
    out[at++] = HEX[b[i]! >> 4]!
    out[at++] = HEX[b[i]! & 15]!
  }
}

/**
 * A plain Uint8Array over the same memory as `b`. Subclasses such as Node's Buffer are
 * accepted as input, but their `slice()` returns a view instead of a copy; converting at
 * the API boundary keeps every `slice()` below a real copy, so input is never mutated.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(b) === Uint8Array.prototype ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
}
