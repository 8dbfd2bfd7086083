/**
 * Standard base64 with `=` padding, bytes to ASCII bytes and back, for the 3.1 payload
 * scheme (PROTOCOL.md §6.1). No Buffer, no atob: the same code on every runtime.
 */
import { DecryptError } from '@tuya/crypto'
import { ascii } from './bytes.ts'

const ALPHABET = ascii('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
const PAD = 0x3d
const VALUES = new Int8Array(256).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET[i]!] = i

/** Encodes bytes as base64, returning the ASCII bytes of the text. */
export function base64Encode(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 3) * 4)
  let o = 0
  let i = 0
  for (; i + 3 <= data.length; i += 3) {
    const n = (data[i]! << 16) | (data[i + 1]! << 8) | data[i + 2]!
    out[o++] = ALPHABET[n >> 18]!
    out[o++] = ALPHABET[(n >> 12) & 63]!
    out[o++] = ALPHABET[(n >> 6) & 63]!
    out[o++] = ALPHABET[n & 63]!
  }
  const rest = data.length - i
  if (rest > 0) {
    const n = (data[i]! << 16) | (rest === 2 ? data[i + 1]! << 8 : 0)
    out[o++] = ALPHABET[n >> 18]!
    out[o++] = ALPHABET[(n >> 12) & 63]!
    out[o++] = rest === 2 ? ALPHABET[(n >> 6) & 63]! : PAD
    out[o++] = PAD
  }
  return out
}

/**
 * Decodes base64 given as ASCII bytes `text[start:end]`; strict: length a multiple of 4,
 * padding only at the end.
 *
 * @throws DecryptError when the text is not base64 (a 3.1 body that cannot be ciphertext)
 */
export function base64Decode(text: Uint8Array, start = 0, end = text.length): Uint8Array {
  const n = end - start
  if (n % 4 !== 0) throw new DecryptError(`3.1 payload is not base64 (length ${n} is not a multiple of 4): wrong version or damaged frame`)
  let pad = 0
  if (n > 0 && text[end - 1] === PAD) pad = text[end - 2] === PAD ? 2 : 1
  const out = new Uint8Array((n / 4) * 3 - pad)
  let o = 0
  for (let i = start; i < end; i += 4) {
    const last = i + 4 === end
    const a = VALUES[text[i]!]!
    const b = VALUES[text[i + 1]!]!
    const c = last && pad === 2 ? 0 : VALUES[text[i + 2]!]!
    const d = last && pad >= 1 ? 0 : VALUES[text[i + 3]!]!
    if ((a | b | c | d) < 0) throw new DecryptError('3.1 payload is not base64 (invalid character): wrong version or damaged frame')
    const n = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = n >> 16
    if (o < out.length) out[o++] = (n >> 8) & 255
    if (o < out.length) out[o++] = n & 255
  }
  return out
}
