/**
 * The 6699 frame of 3.5 (PROTOCOL.md §3.2): header, IV, AES-GCM ciphertext and tag, suffix.
 * The AAD is the header without its prefix (bytes 4..18), so the length field is final
 * before encrypting; device frames carry their retcode inside the plaintext.
 */
import { allocBytes } from '@tuya/crypto'
import { readU32, writeU32 } from './bytes.ts'
import { HEADER_6699_BYTES, IV_BYTES, PREFIX_6699, RETCODE_BYTES, SUFFIX_6699, SUFFIX_BYTES, TAG_BYTES } from './constants.ts'
import { BadSuffixError } from './errors.ts'
import { gcmOpen, gcmSealInto } from './gcm.ts'

const NO_BYTES = new Uint8Array(0)

/**
 * Builds a 6699 frame in one allocation: plaintext = [u32 retcode] || [head] || body,
 * encrypted straight into the frame under `key` and `iv`, AAD = frame bytes 4..18.
 */
export function encode6699(
  seq: number,
  cmd: number,
  retcode: number | undefined,
  head: Uint8Array | undefined,
  body: Uint8Array,
  key: Uint8Array,
  iv: Uint8Array,
): Uint8Array {
  let rc = NO_BYTES
  if (retcode !== undefined) {
    rc = new Uint8Array(RETCODE_BYTES)
    writeU32(rc, 0, retcode)
  }
  const h = head ?? NO_BYTES
  const plainBytes = rc.length + h.length + body.length
  const length = IV_BYTES + plainBytes + TAG_BYTES
  const out = allocBytes(HEADER_6699_BYTES + length + SUFFIX_BYTES)
  writeU32(out, 0, PREFIX_6699)
  // bytes 4..5: reserved, 0 (official firmware: a 4-bit frame-version field, always 0)
  writeU32(out, 6, seq)
  writeU32(out, 10, cmd)
  writeU32(out, 14, length)
  out.set(iv, HEADER_6699_BYTES)
  gcmSealInto(key, iv, out.subarray(4, HEADER_6699_BYTES), [rc, h, body], out, HEADER_6699_BYTES + IV_BYTES)
  writeU32(out, out.length - SUFFIX_BYTES, SUFFIX_6699)
  return out
}

/** What {@link decode6699} found inside the GCM envelope. */
export interface Opened6699 {
  retcode: number | undefined
  iv: Uint8Array
  /** The plaintext after the retcode. */
  inner: Uint8Array
}

/**
 * Verifies the suffix and the GCM tag of one complete 6699 frame and decrypts it.
 *
 * @throws BadSuffixError, AuthenticationError (tag)
 */
export function decode6699(bytes: Uint8Array, hasRetcode: boolean, key: Uint8Array): Opened6699 {
  const end = bytes.length
  if (readU32(bytes, end - SUFFIX_BYTES) !== SUFFIX_6699) throw new BadSuffixError('6699 frame does not end with 00009966; drop it (framing error)')
  const iv = bytes.subarray(HEADER_6699_BYTES, HEADER_6699_BYTES + IV_BYTES)
  const plain = gcmOpen(key, iv, bytes.subarray(4, HEADER_6699_BYTES), bytes, HEADER_6699_BYTES + IV_BYTES, end - SUFFIX_BYTES)
  if (!hasRetcode) return { retcode: undefined, iv, inner: plain }
  return { retcode: readU32(plain, 0), iv, inner: plain.subarray(RETCODE_BYTES) }
}
