/**
 * Protocol 3.4 payloads (PROTOCOL.md §6.3): AES-ECB(key, header || json), the header inside
 * the encryption; an empty acknowledgement has no ciphertext at all.
 */
import { aesEcbDecrypt, aesEcbEncrypt, allocBytes } from '@tuya/crypto'
import { EMPTY, needKey, splitHeader, type Opened, type PayloadCodec, type SealInput, type Sealed } from './payload.ts'

/** The 3.4 payload codec. */
export const payloadV34: PayloadCodec = {
  allowsHeader: true,
  seal(input: SealInput): Sealed {
    const { payload, header } = input
    if (input.encrypt === false) throw new RangeError('encrypt: false is not possible on 3.4: every non-empty payload is encrypted')
    if (payload.length === 0 && header === undefined) return { head: undefined, body: EMPTY }
    let plain = payload
    if (header !== undefined) {
      plain = allocBytes(header.length + payload.length)
      plain.set(header, 0)
      plain.set(payload, header.length)
    }
    return { head: undefined, body: aesEcbEncrypt(needKey(input.key, 'encrypt a 3.4 payload'), plain) }
  },
  open(inner: Uint8Array, key: Uint8Array | undefined, isHandshake: boolean): Opened {
    // Pitfall 7: never decrypt a zero-length body.
    if (inner.length === 0) return { payload: inner, header: undefined, isEncrypted: false }
    const plain = aesEcbDecrypt(needKey(key, 'decrypt a 3.4 payload'), inner)
    if (isHandshake) return { payload: plain, header: undefined, isEncrypted: true }
    return splitHeader(plain, true)
  },
}
