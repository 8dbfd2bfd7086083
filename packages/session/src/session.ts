/**
 * The entry point: validates the options and builds the session of the requested role.
 */
import { toKeyBytes } from '@tuya/codec'
import { assertBytes, createKeyring, defaultRandom, nobleBackend, randomBytes, type CryptoBackend } from '@tuya/crypto'
import type { RandomSource } from '@tuya/crypto'
import { ClientSession } from './client.ts'
import { DeviceSession } from './device.ts'
import { handshakeRules, NONCE_BYTES } from './protocols.ts'
import type { SessionConfig } from './session-core.ts'
import type { Session, SessionOptions, SessionRole } from './types.ts'

/** Largest first seq: START and FINISH (or RESP) must both fit the u32 seq field. */
const MAX_FIRST_SEQ = 0xffff_fffe

const SEQ_RULES: Record<SessionRole, { min: number; why: string }> = {
  client: { min: 1, why: 'a client seq must not start at 0 (official firmware drops the connection)' },
  device: { min: 0, why: 'a seq is a u32' },
}

/**
 * Creates one side of the 3.4/3.5 session-key negotiation for one TCP connection. The
 * session is a pure state machine: it never touches a socket, a clock or ambient
 * randomness; feed it frames and write out what it returns.
 *
 * @param options - role, version ('3.4' | '3.5'), local key; optional random source, first seq, fixed nonce, crypto backend
 * @returns a session in state `idle`
 * @throws RangeError for a version without handshake, a key that is not 16 characters/bytes,
 *   a bad `firstSeq` or `nonce` length; TypeError for a bad role, `random`, `nonce` or `cryptoBackend`
 * @example
 * ```ts
 * const client = createSession({ role: 'client', version: '3.5', localKey: '4a5e1f0c9b2d7e38' })
 * const { send: [start] } = client.start() // write START, then feed every frame to client.receive()
 * ```
 */
export function createSession(options: SessionOptions): Session {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object with role, version and localKey')
  const { role } = options
  if (role !== 'client' && role !== 'device') throw new TypeError(`options.role must be 'client' or 'device', got ${String(role)}`)
  const rules = handshakeRules(options.version)
  const localKey = toKeyBytes(options.localKey, 'localKey')
  const random: RandomSource = options.random ?? defaultRandom
  if (typeof random !== 'function') throw new TypeError('options.random must be a function (length) => Uint8Array')
  let nonce: Uint8Array | undefined
  if (options.nonce !== undefined) {
    assertBytes(options.nonce, 'nonce', NONCE_BYTES)
    nonce = options.nonce.slice()
  }
  const backend: CryptoBackend = options.cryptoBackend ?? nobleBackend
  if (typeof backend !== 'object' || backend === null || typeof backend.importKey !== 'function') {
    throw new TypeError('options.cryptoBackend must be a CryptoBackend: nobleBackend from @tuya/crypto or nodeCryptoBackend from @tuya/crypto/node')
  }
  const config: SessionConfig = {
    role,
    version: options.version,
    rules,
    localKey,
    random,
    firstSeq: firstSeqOf(role, options.firstSeq, random),
    nonce,
    keyring: createKeyring({ backend, maxKeys: 1 }),
  }
  return role === 'client' ? new ClientSession(config) : new DeviceSession(config)
}

/** The first seq of `role`: the given one (checked), 1 for a client, a random 31-bit start for a device. */
export function firstSeqOf(role: SessionRole, firstSeq: number | undefined, random: RandomSource): number {
  if (firstSeq === undefined) {
    if (role === 'client') return 1
    // Official firmware starts its own counter at a random value (PROTOCOL.md §17 "reply seqno").
    const b = randomBytes(4, random)
    return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) & 0x7fff_ffff) || 1
  }
  const { min, why } = SEQ_RULES[role]
  if (!Number.isSafeInteger(firstSeq) || firstSeq < min || firstSeq > MAX_FIRST_SEQ) {
    throw new RangeError(`firstSeq must be an integer from ${min} to ${MAX_FIRST_SEQ} (${why}), got ${firstSeq}`)
  }
  return firstSeq
}
