/**
 * The `cryptoBackend` option against @tuya/mock over loopback TCP: a handle on OpenSSL works
 * on every keyed version, imports its keys into that backend only, drops a connection's
 * session key when the connection ends, and wipes everything it imported when it closes.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nobleBackend, type CryptoBackend } from '@tuya/crypto'
import { nodeCryptoBackend } from '@tuya/crypto/node'
import { watchingBackend as watching } from '../../../scripts/test-support/watching-backend.ts'
import { createDevice } from '../src/index.ts'
import { nextEvent, pair } from './helpers/setup.ts'

describe('cryptoBackend', () => {
  for (const version of ['3.3', '3.4', '3.5'] as const) {
    it(`${version}: commands work on OpenSSL; session keys are dropped with their connection, everything on close`, async () => {
      const backend = watching(nodeCryptoBackend)
      const p = await pair({ version, dps: { '1': false } }, { cryptoBackend: backend })
      const { device, mock } = p
      try {
        assert.deepEqual(await device.set({ '1': true }), { '1': true })
        // 3.3: the local key; 3.4/3.5: the session key (the handshake's own import is gone).
        assert.equal(backend.live(), 1)
        mock.disconnectAll()
        await nextEvent(device, 'disconnected')
        assert.deepEqual(await device.status(), { '1': true })
        assert.equal(backend.live(), 1, 'the first connection left nothing behind')
        assert.equal(backend.imports, version === '3.3' ? 1 : 4, 'per 3.4/3.5 connection: the local key for the handshake, then the session key')
      } finally {
        await p[Symbol.asyncDispose]()
      }
      assert.equal(backend.live(), 0, 'close() wipes every imported key')
    })
  }
  it('the default is noble, and a handle never touches another handle\'s backend', async () => {
    const a = watching(nobleBackend)
    const p = await pair({ version: '3.5' }, { cryptoBackend: a })
    const q = await pair({ version: '3.5' })
    try {
      await q.device.status()
      assert.equal(a.imports, 0)
      await p.device.status()
      assert.ok(a.imports > 0)
    } finally {
      await p[Symbol.asyncDispose]()
      await q[Symbol.asyncDispose]()
    }
  })
  it('rejects something that is not a backend', () => {
    assert.throws(() => createDevice({ id: 'bf1234567890abcdefgh', key: '0123456789abcdef', host: '127.0.0.1', version: '3.3', cryptoBackend: {} as CryptoBackend }), /options.cryptoBackend must be a CryptoBackend/)
  })
})
