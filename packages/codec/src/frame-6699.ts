/**
 * The 6699 frame of 3.5 (PROTOCOL.md §3.2): header, IV, AES-GCM ciphertext and tag, suffix.
 * The AAD is the header without its prefix (bytes 4..18), so the length field is final
 * before encrypting; device frames carry their retcode inside the plaintext.
 */
import type { CipherKey } from '@tuya/crypto'
import { readU32, writeU32 } from './bytes.ts'
import { HEADER_6699_BYTES, IV_BYTES, PREFIX_6699, RETCODE_BYTES, SUFFIX_6699, SUFFIX_BYTES, TAG_BYTES } from './constants.ts'
import { BadSuffixError } from './errors.ts'
import { gcmOpen, gcmSealInPlace } from './gcm.ts'
import { encodeAsciiInto, textToBytes } from './json.ts'
import type { OpenedFrame } from './frame-layers.ts'
import type { Body } from './payload.ts'

/** The AAD is frame bytes 4..18: the header after its prefix. */
const AAD_START = 4

/** Where the plaintext (and so the ciphertext) starts in a 6699 frame. */
const PLAIN_AT = HEADER_6699_BYTES + IV_BYTES

/**
 * Builds a 6699 frame: plaintext = [u32 retcode] || [head] || body, written where its
 * ciphertext goes and encrypted there under `key` and `iv`, AAD = frame bytes 4..18.
 */
export function encode6699(
  seq: number,
  cmd: number,
  retcode: number | undefined,
  head: Uint8Array | undefined,
  body: Body,
  key: CipherKey,
  iv: Uint8Array,
): Uint8Array {
  const at = PLAIN_AT + (retcode === undefined ? 0 : RETCODE_BYTES) + (head === undefined ? 0 : head.length)
  let bytes = typeof body === 'string' ? undefined : body
  let out = frameFor(at - PLAIN_AT + body.length)
  // Assume ASCII (one byte per character), as JSON nearly always is; else encode and start over.
  if (typeof body === 'string' && !encodeAsciiInto(body, out, at)) {
    bytes = textToBytes(body)
    out = frameFor(at - PLAIN_AT + bytes.length)
  }
  if (bytes !== undefined) out.set(bytes, at)
  const length = out.length - HEADER_6699_BYTES - SUFFIX_BYTES
  writeU32(out, 0, PREFIX_6699)
  // bytes 4..5: reserved, 0 (official firmware: a 4-bit frame-version field, always 0)
  out[4] = 0
  out[5] = 0
  writeU32(out, 6, seq)
  writeU32(out, 10, cmd)
  writeU32(out, 14, length)
  out.set(iv, HEADER_6699_BYTES)
  if (retcode !== undefined) writeU32(out, PLAIN_AT, retcode)
  if (head !== undefined) out.set(head, at - head.length)
  gcmSealInPlace(key, iv, out.subarray(AAD_START, HEADER_6699_BYTES), out, PLAIN_AT, out.length - PLAIN_AT - TAG_BYTES - SUFFIX_BYTES)
  writeU32(out, out.length - SUFFIX_BYTES, SUFFIX_6699)
  return out
}

/** A zeroed array for a frame with `plainLength` bytes of plaintext. */
function frameFor(plainLength: number): Uint8Array {
  return new Uint8Array(PLAIN_AT + plainLength + TAG_BYTES + SUFFIX_BYTES)
}

/**
 * Verifies the suffix and the GCM tag of one complete 6699 frame and decrypts it: retcode
 * (device frames), IV, and the plaintext after the retcode as `buf[start:end]`.
 * @throws BadSuffixError, AuthenticationError (tag)
 */
export function decode6699(bytes: Uint8Array, hasRetcode: boolean, key: CipherKey): OpenedFrame {
  const end = bytes.length
  if (readU32(bytes, end - SUFFIX_BYTES) !== SUFFIX_6699) throw new BadSuffixError('6699 frame does not end with 00009966; drop it (framing error)')
  const iv = bytes.subarray(HEADER_6699_BYTES, HEADER_6699_BYTES + IV_BYTES)
  const plain = gcmOpen(key, iv, bytes.subarray(AAD_START, HEADER_6699_BYTES), bytes, PLAIN_AT, end - SUFFIX_BYTES)
  return { retcode: hasRetcode ? readU32(plain, 0) : undefined, iv, buf: plain, start: hasRetcode ? RETCODE_BYTES : 0, end: plain.length }
}
