/**
 * Protocol 3.5 payloads (PROTOCOL.md §6.4): header || json is the GCM plaintext (after the
 * retcode on device frames); the frame layer does the encryption.
 */
import { splitHeader, type Opened, type PayloadCodec, type SealInput, type Sealed } from './payload.ts'

/** The 3.5 payload codec (encryption happens in the frame layer). */
export const payloadV35: PayloadCodec = {
  allowsHeader: true,
  seal(input: SealInput): Sealed {
    if (input.encrypt === false) throw new RangeError('encrypt: false is not possible on 3.5: every frame is AES-GCM encrypted')
    return { head: input.header, body: input.payload }
  },
  open(inner: Uint8Array, _key: Uint8Array | undefined, isHandshake: boolean): Opened {
    if (isHandshake) return { payload: inner, header: undefined, isEncrypted: true }
    return splitHeader(inner, true)
  },
}
