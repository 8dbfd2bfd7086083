/**
 * The logger hook (frame dumps without keys) and the shared connect gate.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { bytesToHex, utf8ToBytes } from '@tuya/crypto'
import { createMockDevice } from '@tuya/mock'
import { createConnectGate, createDevice, type LogEntry } from '../src/index.ts'
import { FAST, ID, KEY, pair, VERSIONS } from './helpers/setup.ts'

describe('logger', () => {
  for (const version of VERSIONS) {
    it(`${version}: dumps every frame both ways, never with the key`, async () => {
      const entries: LogEntry[] = []
      await using p = await pair({ version }, { logger: (e) => entries.push(e), version: 'auto' })
      await p.device.status()
      await p.device.set({ '1': true })
      p.mock.setDps({ '2': 3 })
      await p.device.heartbeat()
      const frames = entries.filter((e) => e.frame !== undefined)
      assert.ok(frames.some((e) => e.frame!.direction === 'out' && e.frame!.name.startsWith('CONTROL')))
      assert.ok(frames.some((e) => e.frame!.direction === 'in' && e.frame!.name === 'STATUS'))
      assert.ok(frames.every((e) => /^[0-9a-f]+$/.test(e.frame!.hex) || e.frame!.bytes === 0))
      assert.ok(entries.some((e) => e.level === 'info' && e.message.includes(`detected protocol version ${version}`)))
      const text = JSON.stringify(entries, (_k, v: unknown) => (v instanceof Error ? v.message : v))
      for (const secret of [KEY, bytesToHex(utf8ToBytes(KEY))]) assert.equal(text.includes(secret), false, 'no key in any log entry')
    })
  }
})

describe('connect gate', () => {
  it('limits simultaneous connection attempts across handles and releases each slot', async () => {
    const gate = createConnectGate({ concurrency: 2 })
    const mocks = await Promise.all(Array.from({ length: 5 }, () => createMockDevice({ version: '3.4', id: ID, localKey: KEY, faults: { replyDelayMs: 40 } })))
    const devices = mocks.map((m) => createDevice({ id: ID, key: KEY, host: '127.0.0.1', port: m.port, version: '3.4', ...FAST, connectGate: gate }))
    try {
      let most = 0
      let queued = 0
      for (const m of mocks) m.addEventListener('connection', () => { most = Math.max(most, gate.active); queued = Math.max(queued, gate.waiting) })
      await Promise.all(devices.map((d) => d.connect()))
      assert.equal(most, 2, 'two connection attempts at a time')
      assert.ok(queued >= 1, 'the others waited for a slot')
      assert.equal(gate.active, 0, 'every slot released')
      assert.equal(gate.waiting, 0)
    } finally {
      await Promise.all(devices.map((d) => d.close()))
      await Promise.all(mocks.map((m) => m.close()))
    }
  })

  it('counts connectTimeoutMs from when a slot was acquired, not while queued behind the gate', async () => {
    const gate = createConnectGate({ concurrency: 1 })
    // The first device never answers its handshake: it holds the only slot for its 600 ms.
    await using silent = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, faults: { isSilent: true } })
    await using reachable = await createMockDevice({ version: '3.3', id: ID, localKey: KEY })
    await using blocker = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port: silent.port, version: '3.4', ...FAST, connectTimeoutMs: 600, reconnect: false, connectGate: gate })
    await using queued = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port: reachable.port, version: '3.3', ...FAST, connectTimeoutMs: 300, reconnect: false, connectGate: gate })
    const errors: Error[] = []
    queued.addEventListener('error', (e) => errors.push(e.detail.error))
    const blocked = blocker.connect({ timeoutMs: 3000 }).catch((e: unknown) => e)
    await new Promise((resolve) => setTimeout(resolve, 20))
    // Queued for ~600 ms, twice its connectTimeoutMs: it must still get its try, and succeed.
    const detail = await queued.connect({ timeoutMs: 3000 })
    assert.equal(detail.version, '3.3')
    assert.deepEqual(errors, [], 'no attempt failed while waiting for the slot')
    assert.ok((await blocked) instanceof Error, 'the silent device failed its own attempt')
  })

  it('rejects a bad concurrency', () => {
    assert.throws(() => createConnectGate({ concurrency: 0 }), RangeError)
  })
})
