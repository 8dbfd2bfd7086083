/**
 * Internal byte helpers for the hot paths: big-endian integers by shifts, ASCII tests.
 */

/** Reads an unsigned 32-bit big-endian integer. */
export function readU32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0
}

/** Writes an unsigned 32-bit big-endian integer. */
export function writeU32(b: Uint8Array, i: number, value: number): void {
  b[i] = value >>> 24
  b[i + 1] = value >>> 16
  b[i + 2] = value >>> 8
  b[i + 3] = value
}

/** Whether `b` starts with `"3."` and a digit and is long enough to hold a 15-byte header (PROTOCOL.md §5.2). */
export function hasVersionPrefix(b: Uint8Array, headerBytes: number): boolean {
  return b.length >= headerBytes && b[0] === 0x33 && b[1] === 0x2e && b[2]! >= 0x30 && b[2]! <= 0x39
}

/** Whether every byte is printable ASCII (space..tilde, tab, CR, LF): a clear-text error text. */
export function isPrintableAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!
    if ((c < 0x20 || c > 0x7e) && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false
  }
  return true
}

/** Whether `b` starts with the bytes of `prefix`. */
export function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false
  return true
}

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
