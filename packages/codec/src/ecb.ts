/**
 * AES-ECB sealing of 3.2-3.4 payloads with PKCS#7 padding, built in one array: the optional
 * 15-byte header, the payload (text encoded straight into place), the padding. The array is
 * handed to the imported key, which encrypts it in place (or returns a new one), instead of
 * going through `aesEcbEncrypt`, which would copy the plaintext into yet another array.
 */
import { AES_BLOCK_BYTES, type CipherKey } from '@tuya/crypto'
import { encodeAsciiInto, textToBytes } from './json.ts'
import type { Body } from './payload.ts'

/**
 * AES-128-ECB(key, [head] || body || PKCS#7 padding).
 * @param key - the imported 16-byte key
 */
export function ecbSeal(key: CipherKey, head: Uint8Array | undefined, body: Body): Uint8Array {
  const at = head === undefined ? 0 : head.length
  let blocks: Uint8Array | undefined
  if (typeof body === 'string') {
    // Assume ASCII (one byte per character), as JSON nearly always is.
    blocks = padded(at + body.length)
    if (!encodeAsciiInto(body, blocks, at)) blocks = undefined
    else pad(blocks, at + body.length)
  }
  if (blocks === undefined) {
    const bytes = typeof body === 'string' ? textToBytes(body) : body
    blocks = padded(at + bytes.length)
    blocks.set(bytes, at)
    pad(blocks, at + bytes.length)
  }
  if (head !== undefined) blocks.set(head, 0)
  return key.ecbEncrypt(blocks)
}

/** A zeroed array for `n` plaintext bytes and their padding (always 1-16 bytes). */
function padded(n: number): Uint8Array {
  return new Uint8Array(n + AES_BLOCK_BYTES - (n % AES_BLOCK_BYTES))
}

function pad(blocks: Uint8Array, n: number): void {
  blocks.fill(blocks.length - n, n)
}
