/**
 * The `cryptoBackend` option of a simulated device, on the sans-I/O core: a device on
 * OpenSSL talks to a client on noble, each connection imports its keys into the chosen backend, and a
 * closed connection wipes them.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeFrame } from '@tuya/codec'
import { nobleBackend, type CryptoBackend } from '@tuya/crypto'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import { watchingBackend as watching } from '../../../scripts/test-support/watching-backend.ts'
import { CoreClient, makeCore, writes } from './helpers/core.ts'

/** A handshake (3.4/3.5) and a status query against a core on `backend`: the DPs the client reads. */
function conversation(version: '3.3' | '3.4' | '3.5', backend: CryptoBackend): unknown {
  const core = makeCore({ version, dps: { '1': true }, cryptoBackend: backend })
  const client = new CoreClient(core)
  if (version !== '3.3') assert.equal(writes(client.handshake(), client.id).length, 1, 'RESP')
  const reply = writes(client.send(version === '3.3' ? 10 : 16, version === '3.3' ? { devId: 'x' } : {}), client.id)[0]!
  const json = decodeFrame(reply, { version, key: client.key }).json as { dps?: unknown; data?: { dps?: unknown } }
  core.closed(client.id)
  return json.dps ?? json.data?.dps
}

describe('cryptoBackend', () => {
  for (const version of ['3.3', '3.4', '3.5'] as const) {
    it(`${version}: a device on OpenSSL answers a client on noble, and a closed connection wipes its keys`, () => {
      const native = watching(nodeCryptoBackend)
      assert.deepEqual(conversation(version, native), { '1': true })
      assert.deepEqual(conversation(version, nobleBackend), { '1': true })
      assert.ok(native.imports >= 1)
      assert.equal(native.destroys, native.imports)
    })
  }
  it('rejects something that is not a backend', () => {
    assert.throws(() => makeCore({ version: '3.3', cryptoBackend: {} as CryptoBackend }), /cryptoBackend must be a CryptoBackend/)
  })
})
