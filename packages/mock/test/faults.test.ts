/**
 * Every injectable fault, over real loopback TCP with the codec/session-based test client.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createMockDevice, type MockDevice } from '../src/index.ts'
import { TestClient } from './helpers/client.ts'

const KEY = '0123456789abcdef'
const ID = 'bf1234567890abcdefgh'

async function withDevice(options: Parameters<typeof createMockDevice>[0], fn: (mock: MockDevice) => Promise<void>): Promise<void> {
  const mock = await createMockDevice({ id: ID, localKey: KEY, dps: { '1': false }, ...options })
  try {
    await fn(mock)
  } finally {
    await mock.close()
  }
}

async function connect(mock: MockDevice, timeoutMs = 1500): Promise<TestClient> {
  return TestClient.connect({ version: mock.version, key: KEY, port: mock.port, timeoutMs })
}

describe('faults', () => {
  it('replyDelayMs delays every frame and keeps their order', async () => {
    await withDevice({ version: '3.3', faults: { replyDelayMs: 150 } }, async (mock) => {
      const c = await connect(mock)
      const started = Date.now()
      c.send(7, { dps: { '1': true } })
      const ack = await c.next()
      const push = await c.next()
      assert.ok(Date.now() - started >= 140, 'the ack waited for the delay')
      assert.deepEqual([ack.cmd, push.cmd], [7, 8])
      c.close()
    })
  })

  it('dropAfterFrames closes the connection on the Nth frame, unanswered', async () => {
    await withDevice({ version: '3.4', faults: { dropAfterFrames: 3 } }, async (mock) => {
      const c = await connect(mock) // START + FINISH are frames 1 and 2
      c.send(16, {})
      assert.equal(await c.closedWithin(1000), true)
      assert.equal(c.raw.length, 0, 'no reply to the third frame')
    })
  })

  it('truncateNextFrame writes part of a frame, then closes (one-shot)', async () => {
    await withDevice({ version: '3.3' }, async (mock) => {
      mock.setFaults({ truncateNextFrame: { bytes: 10 } })
      const c = await connect(mock)
      c.send(10, {})
      assert.equal(await c.closedWithin(1000), true)
      assert.equal(c.raw.length, 0, 'no complete frame arrived')
      assert.equal(mock.faults.truncateNextFrame, undefined, 'the fault fired once')
      const again = await connect(mock)
      assert.equal((await again.request(10, {})).reply.cmd, 10)
      again.close()
    })
  })

  it("garbage 'before' is junk in front of each frame; 'instead' replaces it", async () => {
    await withDevice({ version: '3.3', faults: { garbage: { bytes: new Uint8Array([1, 2, 3, 4, 5]) } } }, async (mock) => {
      const c = await connect(mock)
      // The client's deframer skips junk before a prefix (§3.4), so the reply still arrives.
      assert.equal((await c.request(10, {})).reply.cmd, 10)
      mock.setFaults({ garbage: { bytes: 20, mode: 'instead' } })
      c.send(10, {})
      assert.deepEqual(await c.drain(300), [])
      c.close()
    })
  })

  it('isSilent reads frames but never answers; clearing it restores answers', async () => {
    await withDevice({ version: '3.5', faults: { isSilent: true } }, async (mock) => {
      const c = await TestClient.connect({ version: '3.5', key: KEY, port: mock.port, isHandshake: false, timeoutMs: 300 })
      const seen = mock.waitFor('frame', { filter: (d) => d.direction === 'in' })
      await assert.rejects(c.handshake(), /no frame/)
      await seen
      c.close()
      mock.clearFaults()
      const ok = await connect(mock)
      assert.equal((await ok.request(16, {})).reply.cmd, 16)
      ok.close()
    })
  })

  it('sendGarbage writes junk to connected clients', async () => {
    await withDevice({ version: '3.3' }, async (mock) => {
      const c = await connect(mock)
      await c.request(9, {}) // the device has surely registered the connection now
      const got = new Promise<Uint8Array>((resolve) => c.socket.once('data', (d: Uint8Array) => resolve(d)))
      mock.sendGarbage(new Uint8Array([9, 9, 9]))
      assert.deepEqual([...(await got)], [9, 9, 9])
      c.close()
    })
  })

  it('wrongKey: 3.3 replies fail to decrypt, 3.4 and 3.5 handshakes fail authentication', async () => {
    await withDevice({ version: '3.3', faults: { wrongKey: 'ffffffffffffffff' } }, async (mock) => {
      const c = await connect(mock)
      c.send(10, {})
      await assert.rejects(c.next(), (e: Error & { code?: string }) => /DECRYPT|PADDING/.test(e.code ?? ''))
      c.close()
    })
    for (const version of ['3.4', '3.5'] as const) {
      await withDevice({ version, faults: { wrongKey: 'ffffffffffffffff' } }, async (mock) => {
        await assert.rejects(connect(mock), (e: Error & { code?: string }) => e.code === 'TUYA_ERR_HANDSHAKE_WRONG_KEY')
      })
    }
  })

  it('restart closes every connection and listens again on the same port, keeping DPs', async () => {
    await withDevice({ version: '3.3' }, async (mock) => {
      const port = mock.port
      const c = await connect(mock)
      mock.setDps({ '1': true })
      await c.next()
      await mock.restart({ downtimeMs: 50 })
      assert.equal(await c.closedWithin(1000), true)
      assert.equal(mock.port, port)
      const again = await connect(mock)
      const { reply } = await again.request(10, {})
      assert.deepEqual((reply.json as { dps: unknown }).dps, { '1': true })
      again.close()
    })
  })
})

describe('connection rules over TCP', () => {
  it('idle timeout: closed after idleTimeoutMs without a frame; heartbeats keep it open', async () => {
    await withDevice({ version: '3.3', idleTimeoutMs: 250 }, async (mock) => {
      const busy = await connect(mock)
      for (let i = 0; i < 4; i++) {
        await busy.request(9, {})
        await new Promise((r) => setTimeout(r, 100))
      }
      assert.equal(busy.isClosed, false, 'heartbeats every 100 ms keep the connection')
      const reason = mock.waitFor('close')
      assert.equal(await busy.closedWithin(1000), true)
      assert.equal((await reason).reason, 'idle-timeout')
    })
  })

  it('replace: a second client supersedes the first', async () => {
    await withDevice({ version: '3.3' }, async (mock) => {
      const first = await connect(mock)
      await first.request(9, {})
      const second = await connect(mock)
      assert.equal(await first.closedWithin(1000), true)
      assert.equal((await second.request(9, {})).reply.cmd, 9)
      second.close()
    })
  })

  it('refuse and reset: the second client is closed, the first keeps working', async () => {
    for (const onExtraConnection of ['refuse', 'reset'] as const) {
      await withDevice({ version: '3.3', onExtraConnection }, async (mock) => {
        const first = await connect(mock)
        await first.request(9, {})
        // A RST can beat the client's own 'connect' event: then connecting itself fails.
        const second = await connect(mock).catch((error: Error & { code?: string }) => error)
        if (second instanceof TestClient) assert.equal(await second.closedWithin(1000), true, onExtraConnection)
        else assert.equal(second.code, 'ECONNRESET')
        assert.equal((await first.request(9, {})).reply.cmd, 9)
        first.close()
      })
    }
  })

  it('a failed handshake (client with another key) gets no RESP; junk closes the connection', async () => {
    await withDevice({ version: '3.4' }, async (mock) => {
      await assert.rejects(TestClient.connect({ version: '3.4', key: 'ffffffffffffffff', port: mock.port, timeoutMs: 300 }), /no frame/)
      const c = await connect(mock)
      c.write(new TextEncoder().encode('this is not a tuya frame at all'))
      assert.equal(await c.closedWithin(1000), true)
    })
  })
})
