/**
 * The payload layer shared by the per-version codecs: what sits between the frame header
 * (and retcode) and the trailer, or inside the 6699 GCM plaintext after the retcode.
 */
import { hasVersionPrefix } from './bytes.ts'
import { VERSION_HEADER_BYTES } from './constants.ts'
import type { Direction } from './types.ts'

/** Input of {@link PayloadCodec.seal}. */
export interface SealInput {
  cmd: number
  direction: Direction
  /** The application payload (JSON text, error text, handshake material). */
  payload: Uint8Array
  /** The 15-byte version/source header to put in front of it, if any. */
  header: Uint8Array | undefined
  key: Uint8Array | undefined
  /** Caller's override of the version's encryption rule. */
  encrypt: boolean | undefined
}

/** Output of {@link PayloadCodec.seal}: `head` then `body`, as the frame layer should carry them. */
export interface Sealed {
  head: Uint8Array | undefined
  body: Uint8Array
}

/** Output of {@link PayloadCodec.open}. */
export interface Opened {
  payload: Uint8Array
  header: Uint8Array | undefined
  isEncrypted: boolean
}

/** How one protocol version wraps and unwraps application payloads (PROTOCOL.md §6). */
export interface PayloadCodec {
  /** Whether a 15-byte header may be put in front of payloads at all (3.1: never). */
  readonly allowsHeader: boolean
  seal(input: SealInput): Sealed
  /**
   * @param inner - 55AA: the body after the retcode; 6699: the plaintext after the retcode
   * @param isHandshake - 3.4/3.5 cmd 3/4/5: return the decrypted bytes raw, never header-stripped
   */
  open(inner: Uint8Array, key: Uint8Array | undefined, isHandshake: boolean): Opened
}

/** A shared empty payload (never handed to callers to mutate: only read). */
export const EMPTY = new Uint8Array(0)

/** Drops a leading 15-byte version/source header, detected by content (PROTOCOL.md §5.2). */
export function splitHeader(p: Uint8Array, isEncrypted: boolean): Opened {
  if (hasVersionPrefix(p, VERSION_HEADER_BYTES)) {
    return { payload: p.subarray(VERSION_HEADER_BYTES), header: p.subarray(0, VERSION_HEADER_BYTES), isEncrypted }
  }
  return { payload: p, header: undefined, isEncrypted }
}

/** Throws the TypeError for a key that the operation needs but the caller did not pass. */
export function needKey(key: Uint8Array | undefined, what: string): Uint8Array {
  if (key === undefined) throw new TypeError(`key is required to ${what}: pass the local key (or the session key after a 3.4/3.5 handshake)`)
  return key
}
