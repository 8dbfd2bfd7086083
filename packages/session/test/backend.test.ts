/**
 * The `cryptoBackend` option: the handshake on OpenSSL gives the same frames and key as on
 * noble, the session imports the local key into its chosen backend only, and wipes that
 * import when the handshake ends (established or failed).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bytesToHex, nobleBackend, type CryptoBackend } from '@tuya/crypto'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import { watchingBackend } from '../../../scripts/test-support/watching-backend.ts'
import { createSession, WrongLocalKeyError, type HandshakeVersion } from '../src/index.ts'
import { handshake, seededRandom } from './helpers.ts'

const LOCAL_KEY = '4a5e1f0c9b2d7e38'

function run(version: HandshakeVersion, backend: CryptoBackend | undefined) {
  const client = createSession({ role: 'client', version, localKey: LOCAL_KEY, random: seededRandom(7), ...(backend ? { cryptoBackend: backend } : {}) })
  const device = createSession({ role: 'device', version, localKey: LOCAL_KEY, random: seededRandom(9), firstSeq: 100 })
  const frames = handshake(client, device)
  return { frames: [frames.start, frames.resp, frames.finish].map(bytesToHex), key: bytesToHex(client.sessionKey!) }
}

describe('cryptoBackend', () => {
  for (const version of ['3.4', '3.5'] as const) {
    it(`${version}: OpenSSL gives the same frames and session key as noble`, () => {
      assert.deepEqual(run(version, nodeCryptoBackend), run(version, undefined))
    })
    it(`${version}: the local key is imported once into the chosen backend and wiped when the handshake ends`, () => {
      const backend = watchingBackend(nobleBackend)
      run(version, backend)
      assert.equal(backend.imports, 1)
      assert.equal(backend.destroys, 1)
    })
  }
  it('a failed handshake wipes the import too', () => {
    const backend = watchingBackend(nobleBackend)
    const client = createSession({ role: 'client', version: '3.5', localKey: LOCAL_KEY, cryptoBackend: backend })
    client.start()
    // A RESP made under another local key.
    const other = createSession({ role: 'client', version: '3.5', localKey: 'ffffffffffffffff' })
    const device = createSession({ role: 'device', version: '3.5', localKey: 'ffffffffffffffff' })
    const resp = device.receive(other.start().send[0]!).send[0]!
    assert.throws(() => client.receive(resp), WrongLocalKeyError)
    assert.equal(client.state, 'failed')
    assert.equal(backend.imports, 1)
    assert.equal(backend.destroys, 1)
  })
  it('rejects something that is not a backend', () => {
    assert.throws(() => createSession({ role: 'client', version: '3.4', localKey: LOCAL_KEY, cryptoBackend: {} as CryptoBackend }), /options.cryptoBackend must be a CryptoBackend/)
  })
})
