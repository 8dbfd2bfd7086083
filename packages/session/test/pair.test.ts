/**
 * A client and a device session talking to each other, for random local keys, nonces,
 * seqs and random sources (fast-check), both versions: agreement, key switch, wrong key,
 * wrong version.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { decodeFrame, encodeFrame } from '@tuya/codec'
import { equalBytes, utf8ToBytes } from '@tuya/crypto'
import { createSession, WrongLocalKeyError, WrongVersionError } from '../src/index.ts'
import type { HandshakeVersion } from '../src/index.ts'
import { handshake, oracleSessionKey, seededRandom } from './helpers.ts'

const RUNS = { numRuns: 40 }
const version = fc.constantFrom<HandshakeVersion>('3.4', '3.5')
const bytes16 = fc.uint8Array({ minLength: 16, maxLength: 16 })
/** A local key as users have it (16 printable ASCII characters) or as 16 raw bytes. */
const localKey = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&*+-./:;<=>?@^_|~'), minLength: 16, maxLength: 16 }),
  bytes16,
)
const keyBytes = (key: string | Uint8Array): Uint8Array => (typeof key === 'string' ? utf8ToBytes(key) : key)
const seed = fc.integer({ min: 1, max: 0xffff_ffff })

describe('client and device sessions in memory', () => {
  it('agree on the session key the protocol defines, for any key, nonces and seqs', () => {
    fc.assert(
      fc.property(version, localKey, bytes16, bytes16, fc.integer({ min: 1, max: 0x7fff_ffff }), fc.integer({ min: 0, max: 0x7fff_ffff }), seed, (v, lk, cn, dn, clientSeq, deviceSeq, s) => {
        const client = createSession({ role: 'client', version: v, localKey: lk, nonce: cn, firstSeq: clientSeq, random: seededRandom(s) })
        const device = createSession({ role: 'device', version: v, localKey: lk, nonce: dn, firstSeq: deviceSeq, random: seededRandom(s ^ 0x5a5a5a5a) })
        const { start, resp, finish } = handshake(client, device)
        assert.equal(client.state, 'established')
        assert.equal(device.state, 'established')
        assert.ok(equalBytes(client.sessionKey!, device.sessionKey!))
        assert.ok(equalBytes(client.sessionKey!, oracleSessionKey(v, keyBytes(lk), cn, dn)))
        // Client seqs: START = firstSeq, FINISH = firstSeq + 1 (never the device's), next = firstSeq + 2.
        assert.equal(decodeFrame(start, { version: v, key: lk, direction: 'toDevice' }).seq, clientSeq)
        assert.equal(decodeFrame(finish, { version: v, key: lk, direction: 'toDevice' }).seq, clientSeq + 1)
        assert.equal(decodeFrame(resp, { version: v, key: lk, direction: 'fromDevice' }).seq, deviceSeq)
        assert.equal(client.nextSeq, clientSeq + 2)
        assert.equal(device.nextSeq, deviceSeq + 1)
      }),
      RUNS,
    )
  })

  it('after the handshake both sides use the session key: data frames decode on the other side, not under the local key', () => {
    fc.assert(
      fc.property(version, localKey, seed, fc.dictionary(fc.integer({ min: 1, max: 255 }).map(String), fc.boolean(), { minKeys: 1, maxKeys: 4, noNullPrototype: true }), (v, lk, s, dps) => {
        const random = seededRandom(s)
        const client = createSession({ role: 'client', version: v, localKey: lk, random })
        const device = createSession({ role: 'device', version: v, localKey: lk, random })
        handshake(client, device)

        const request = { protocol: 5, t: 1700000000, data: { dps } }
        const toDevice = encodeFrame({ version: v, key: client.sessionKey!, seq: client.nextSeq, cmd: 13, payload: request, random })
        const atDevice = decodeFrame(toDevice, { version: v, key: device.sessionKey!, direction: 'toDevice' })
        assert.deepEqual(atDevice.json, request)
        assert.equal(atDevice.seq, client.nextSeq)
        assert.throws(() => decodeFrame(toDevice, { version: v, key: lk, direction: 'toDevice' }))
        // The session leaves data frames to the caller.
        assert.deepEqual(device.receive(toDevice), { send: [], events: [] })
        assert.equal(device.state, 'established')

        const push = { dps }
        const toClient = encodeFrame({ version: v, key: device.sessionKey!, direction: 'fromDevice', seq: device.nextSeq, cmd: 8, payload: push, random })
        assert.deepEqual(decodeFrame(toClient, { version: v, key: client.sessionKey!, direction: 'fromDevice' }).json, push)
        assert.throws(() => decodeFrame(toClient, { version: v, key: lk, direction: 'fromDevice' }))
      }),
      { numRuns: 20 },
    )
  })

  it('with default randomness and seqs: fresh nonces every time, a device seq of its own', () => {
    for (const v of ['3.4', '3.5'] as const) {
      const keys = new Set<string>()
      for (let i = 0; i < 4; i++) {
        const client = createSession({ role: 'client', version: v, localKey: '4a5e1f0c9b2d7e38' })
        const device = createSession({ role: 'device', version: v, localKey: '4a5e1f0c9b2d7e38' })
        assert.ok(device.nextSeq >= 1 && device.nextSeq <= 0x7fff_ffff)
        handshake(client, device)
        assert.ok(equalBytes(client.sessionKey!, device.sessionKey!))
        keys.add(Array.from(client.sessionKey!).join(','))
      }
      assert.equal(keys.size, 4)
    }
  })

  it('a wrong local key on the device side: the device rejects START with WrongLocalKeyError', () => {
    fc.assert(
      fc.property(version, localKey, localKey, seed, (v, clientKey, deviceKey, s) => {
        fc.pre(!equalBytes(keyBytes(clientKey), keyBytes(deviceKey)))
        const client = createSession({ role: 'client', version: v, localKey: clientKey, random: seededRandom(s) })
        const device = createSession({ role: 'device', version: v, localKey: deviceKey, random: seededRandom(~s) })
        const [start] = client.start().send
        assert.throws(() => device.receive(start!), WrongLocalKeyError)
        assert.equal(device.state, 'failed')
        assert.equal(device.sessionKey, undefined)
        assert.throws(() => device.receive(start!), WrongLocalKeyError)
      }),
      RUNS,
    )
  })

  it('a wrong local key on the client side: the client rejects RESP with WrongLocalKeyError and sends no FINISH', () => {
    fc.assert(
      fc.property(version, localKey, localKey, bytes16, seed, (v, clientKey, deviceKey, cn, s) => {
        fc.pre(!equalBytes(keyBytes(clientKey), keyBytes(deviceKey)))
        const client = createSession({ role: 'client', version: v, localKey: clientKey, nonce: cn, random: seededRandom(s) })
        client.start()
        // The device (with its own key) answers a START of the same nonce.
        const peer = createSession({ role: 'client', version: v, localKey: deviceKey, nonce: cn, random: seededRandom(s) })
        const device = createSession({ role: 'device', version: v, localKey: deviceKey, random: seededRandom(~s) })
        const [resp] = device.receive(peer.start().send[0]!).send
        const seqBefore = client.nextSeq
        assert.throws(() => client.receive(resp!), WrongLocalKeyError)
        assert.equal(client.nextSeq, seqBefore)
        assert.equal(client.state, 'failed')
        assert.throws(() => client.start(), WrongLocalKeyError)
      }),
      RUNS,
    )
  })

  it('a 3.4 client against a 3.5 device and vice versa: WrongVersionError on both sides', () => {
    fc.assert(
      fc.property(fc.constantFrom<[HandshakeVersion, HandshakeVersion]>(['3.4', '3.5'], ['3.5', '3.4']), localKey, seed, ([clientVersion, deviceVersion], lk, s) => {
        const client = createSession({ role: 'client', version: clientVersion, localKey: lk, random: seededRandom(s) })
        const device = createSession({ role: 'device', version: deviceVersion, localKey: lk, random: seededRandom(~s) })
        const [start] = client.start().send
        assert.throws(() => device.receive(start!), WrongVersionError)
        assert.equal(device.state, 'failed')
        assert.throws(() => device.receive(start!), WrongVersionError)

        // The client side: a RESP of the other version (from a device that did get a START it understands).
        const otherClient = createSession({ role: 'client', version: deviceVersion, localKey: lk, random: seededRandom(s) })
        const otherDevice = createSession({ role: 'device', version: deviceVersion, localKey: lk, random: seededRandom(~s) })
        const [resp] = otherDevice.receive(otherClient.start().send[0]!).send
        assert.throws(() => client.receive(resp!), WrongVersionError)
        assert.equal(client.state, 'failed')
        assert.equal(client.nextSeq, 2)
      }),
      { numRuns: 10 },
    )
  })
})
