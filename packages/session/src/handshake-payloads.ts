/**
 * The payloads of the three negotiation frames and the HMAC proofs they carry
 * (PROTOCOL.md §7), in one place for everyone who reads them: the client and device roles
 * and the passive follower.
 *
 *   START  cn (16)
 *   RESP   dn (16) || HM(LK, cn) (32)
 *   FINISH HM(LK, dn) (32)
 *
 * Longer payloads are accepted and their extra bytes ignored, as official firmware does.
 */
import { equalBytes, hmacSha256, type KeyOrCipher } from '@tuya/crypto'
import { NONCE_BYTES } from './protocols.ts'

/** Length of an HMAC-SHA256 proof of a nonce. */
export const PROOF_BYTES = 32

/** Smallest START payload: the client nonce. */
export const START_PAYLOAD_BYTES = NONCE_BYTES

/** Smallest RESP payload: the device nonce and the proof of the client nonce. */
export const RESP_PAYLOAD_BYTES = NONCE_BYTES + PROOF_BYTES

/** Smallest FINISH payload: the proof of the device nonce. */
export const FINISH_PAYLOAD_BYTES = PROOF_BYTES

/**
 * The proof that the sender holds the local key: HMAC-SHA256(LK, nonce).
 * @param localKey - the local key, as bytes or imported into a keyring
 * @param nonce - the other side's 16-byte nonce
 * @returns the 32-byte proof
 */
export function proofOf(localKey: KeyOrCipher, nonce: Uint8Array): Uint8Array {
  return hmacSha256(localKey, nonce)
}

/**
 * Whether `proof` is HMAC-SHA256(LK, nonce), compared in constant time.
 * @param proof - the 32 proof bytes of a RESP or FINISH payload
 * @param localKey - the local key, as bytes or imported into a keyring
 * @param nonce - the nonce it should prove
 */
export function isProofOf(proof: Uint8Array, localKey: KeyOrCipher, nonce: Uint8Array): boolean {
  return proof.length === PROOF_BYTES && equalBytes(proof, proofOf(localKey, nonce))
}

/** The client nonce of a START payload (a copy), or undefined when it is too short. */
export function readStartPayload(payload: Uint8Array): { clientNonce: Uint8Array } | undefined {
  if (payload.length < START_PAYLOAD_BYTES) return undefined
  return { clientNonce: payload.slice(0, NONCE_BYTES) }
}

/** The device nonce (a copy) and the proof of a RESP payload, or undefined when it is too short. */
export function readRespPayload(payload: Uint8Array): { deviceNonce: Uint8Array; proof: Uint8Array } | undefined {
  if (payload.length < RESP_PAYLOAD_BYTES) return undefined
  return { deviceNonce: payload.slice(0, NONCE_BYTES), proof: payload.subarray(NONCE_BYTES, RESP_PAYLOAD_BYTES) }
}

/** The proof of a FINISH payload, or undefined when it is too short. */
export function readFinishPayload(payload: Uint8Array): { proof: Uint8Array } | undefined {
  if (payload.length < FINISH_PAYLOAD_BYTES) return undefined
  return { proof: payload.subarray(0, FINISH_PAYLOAD_BYTES) }
}
