/**
 * The payload layer shared by the per-version codecs: what sits between the frame header
 * (and retcode) and the trailer, or inside the 6699 GCM plaintext after the retcode.
 */
import type { CipherKey } from '@tuya/crypto'
import { hasVersionPrefixAt, NO_BYTES, view } from './bytes.ts'
import { VERSION_HEADER_BYTES } from './constants.ts'
import type { Direction } from './types.ts'

/**
 * The key of one encode or decode: its bytes (3.1 signatures hash them) and the same key
 * imported into the caller's keyring (or a one-call import), which does the cryptography.
 */
export interface FrameKey {
  readonly bytes: Uint8Array
  readonly cipher: CipherKey
}

/** An application payload on its way out: bytes, or text still to be encoded as UTF-8. */
export type Body = Uint8Array | string

/** What {@link PayloadCodec.seal} gives the frame layer: `head` then `body`. */
export interface Sealed {
  readonly head: Uint8Array | undefined
  readonly body: Body
}

/** What {@link PayloadCodec.open} found. */
export interface Opened {
  readonly payload: Uint8Array
  readonly header: Uint8Array | undefined
  readonly isEncrypted: boolean
}

/** How one protocol version wraps and unwraps application payloads (PROTOCOL.md §6). */
export interface PayloadCodec {
  /** Whether a 15-byte header may be put in front of payloads at all (3.1: never). */
  readonly allowsHeader: boolean
  /**
   * @param payload - the application payload (JSON text, error text, handshake material)
   * @param header - the 15-byte version/source header to put in front of it, if any
   * @param encrypt - the caller's override of the version's encryption rule
   * @returns what goes into the frame
   */
  seal(cmd: number, direction: Direction, payload: Body, header: Uint8Array | undefined, key: FrameKey | undefined, encrypt: boolean | undefined): Sealed
  /**
   * @param buf - holds the payload layer in `buf[start:end]` (55AA: the body after the
   *   retcode; 6699: the plaintext after the retcode)
   * @param isHandshake - 3.4/3.5 cmd 3/4/5: return the decrypted bytes raw, never header-stripped
   * @returns the payload, the header it carried (if any) and whether it was encrypted
   */
  open(buf: Uint8Array, start: number, end: number, key: FrameKey | undefined, isHandshake: boolean): Opened
}

/** A shared empty payload (never handed to callers to mutate: only read). */
export const EMPTY = NO_BYTES

/** A {@link Sealed} result. */
export function sealed(head: Uint8Array | undefined, body: Body): Sealed {
  return { head, body }
}

/** An {@link Opened} result. */
export function opened(payload: Uint8Array, header: Uint8Array | undefined, isEncrypted: boolean): Opened {
  return { payload, header, isEncrypted }
}

/** Drops a leading 15-byte version/source header of `p[start:end]`, detected by content (PROTOCOL.md §5.2). */
export function splitHeader(p: Uint8Array, start: number, end: number, isEncrypted: boolean): Opened {
  if (hasVersionPrefixAt(p, start, end, VERSION_HEADER_BYTES)) {
    return opened(view(p, start + VERSION_HEADER_BYTES, end), p.subarray(start, start + VERSION_HEADER_BYTES), isEncrypted)
  }
  return opened(view(p, start, end), undefined, isEncrypted)
}

/** Throws the TypeError for a key that the operation needs but the caller did not pass. */
export function needKey(key: FrameKey | undefined, what: string): FrameKey {
  if (key === undefined) throw new TypeError(`key is required to ${what}: pass the local key (or the session key after a 3.4/3.5 handshake)`)
  return key
}
