/**
 * The mock driven by an implementation we did not write: tuyapi 7 (npm `tuyapi`), on
 * 127.0.0.1 with ip/port/id/key/version given so it never scans. Where tuyapi departs from
 * real devices (PROTOCOL.md §17) the assertion message says so; the mock stays with what real
 * firmware does and is lenient only where real firmware is documented to be.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import TuyAPI from 'tuyapi'
import { createMockDevice, type MockDevice, type MockDeviceOptions } from '../src/index.ts'

const KEY = '0123456789abcdef'
const ID = 'bf1234567890abcdefgh'
type Version = '3.1' | '3.2' | '3.3' | '3.4' | '3.5'

interface Pair {
  mock: MockDevice
  dev: TuyAPI
  errors: unknown[]
  [Symbol.asyncDispose](): Promise<void>
}

async function pair(version: Version, options: MockDeviceOptions = {}): Promise<Pair> {
  const mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': false, '2': 50, '18': 120 }, ...options })
  // issueGetOnConnect: false so the test decides what is sent; disconnect() clears tuyapi's timers.
  const dev = new TuyAPI({ ip: '127.0.0.1', port: mock.port, id: ID, key: KEY, version, issueGetOnConnect: false })
  const errors: unknown[] = []
  dev.on('error', (e: unknown) => errors.push(e))
  return {
    mock,
    dev,
    errors,
    async [Symbol.asyncDispose]() {
      dev.disconnect()
      await mock.close()
    },
  }
}

const event = <T extends unknown[]>(dev: TuyAPI, name: string, ms = 2000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no tuyapi '${name}' event within ${ms} ms`)), ms)
    dev.once(name, (...args: unknown[]) => {
      clearTimeout(timer)
      resolve(args as T)
    })
  })

// tuyapi's private ping (its 10 s interval calls it); called directly to keep the test fast.
const ping = (dev: TuyAPI) => (dev as unknown as { _sendPing(): Promise<void> })._sendPing()

for (const version of ['3.1', '3.3', '3.4', '3.5'] as const) {
  describe(`tuyapi ${version}`, () => {
    it('get, set, refresh, heartbeat and a pushed change', async () => {
      await using p = await pair(version)
      const { mock, dev } = p
      await dev.connect()
      const status = (await dev.get({ schema: true })) as { dps: Record<string, unknown> }
      assert.deepEqual(status.dps, { '1': false, '2': 50, '18': 120 })

      // Real devices ack the set with an empty frame and report the change as a STATUS push,
      // which is what tuyapi's set() resolves with.
      const set = (await dev.set({ dps: 1, set: true })) as { dps: Record<string, unknown> }
      assert.deepEqual(set.dps, { '1': true })
      assert.deepEqual(mock.dps['1'], true)

      const heartbeat = event(dev, 'heartbeat')
      const hbCommand = mock.waitFor('command', { filter: (d) => d.name === 'HEART_BEAT' })
      await ping(dev)
      await heartbeat
      assert.equal((await hbCommand).json, undefined, 'tuyapi sends an empty heartbeat payload (tinytuya sends {gwId,devId}); firmware answers either')

      const data = event<[{ dps: Record<string, unknown> }, number]>(dev, 'data')
      mock.setDps({ '1': false, '2': 75 })
      const [pushed, cmd] = await data
      assert.deepEqual([pushed.dps, cmd], [{ '1': false, '2': 75 }, 8])

      // UPDATEDPS: real devices answer with an empty ack and push the values. tuyapi resolves
      // refresh() with that empty ack (false) and reports the push as 'dp-refresh' (no DP 1 in it).
      const refreshed = event<[{ dps: Record<string, unknown> }]>(dev, 'dp-refresh')
      assert.equal(await dev.refresh({ requestedDPS: [18] }), false)
      assert.deepEqual((await refreshed)[0].dps, { '18': 120 })
      assert.deepEqual(p.errors, [])
    })
  })
}

describe('tuyapi against device22 and gateways', () => {
  it('3.3 device22: tuyapi falls back to a null-valued set after "json obj data unvalid"', async () => {
    await using p = await pair('3.3', { dev22: true })
    await p.dev.connect()
    assert.equal(await p.dev.get({ dps: 2 }), 50)
  })
  it('3.2 (always device22): tuyapi queries with a null set; its hard-coded "3.3" header is accepted', async () => {
    await using p = await pair('3.2')
    await p.dev.connect()
    assert.equal(await p.dev.get({}), false)
  })
  it('3.4 gateway: get and set a sub-device by cid', async () => {
    await using p = await pair('3.4', { gateway: { a4c1380f4cd8e7b2: { '1': false } } })
    await p.dev.connect()
    const child = (await p.dev.get({ cid: 'a4c1380f4cd8e7b2', schema: true } as never)) as { cid: string; dps: Record<string, unknown> }
    assert.deepEqual(child, { cid: 'a4c1380f4cd8e7b2', dps: { '1': false } })
    const set = (await p.dev.set({ cid: 'a4c1380f4cd8e7b2', dps: 1, set: true } as never)) as { cid: string; dps: Record<string, unknown> }
    assert.deepEqual([set.cid, set.dps], ['a4c1380f4cd8e7b2', { '1': true }])
  })
})

describe('where tuyapi departs from real devices (PROTOCOL.md §17)', () => {
  it('FINISH copies the device RESP seq; a 3.5 device whose counter starts at 1 rejects that', async () => {
    await using p = await pair('3.5')
    const seqs: Record<string, number> = {}
    p.mock.addEventListener('frame', (e) => (seqs[`${e.detail.direction}${e.detail.cmd}`] = e.detail.seq))
    const established = p.mock.waitFor('handshake')
    await p.dev.connect()
    await established // tuyapi resolves connect() as soon as it has written FINISH
    assert.equal(seqs.in5, seqs.out4, 'tuyapi sends FINISH with the seq of the device RESP instead of its own counter')
    assert.ok(seqs.in5! > seqs.in3!, "works here only because the device's random counter start is above START's seq")

    // Official 3.5 firmware closes a connection whose seq does not increase (§12): with a
    // device counter starting at 1, tuyapi's FINISH repeats START's seq 1.
    await using strict = await pair('3.5', { seqStart: 1 })
    const closed = strict.mock.waitFor('close')
    void strict.dev.connect().catch(() => undefined) // never settles: tuyapi has no handshake timeout
    assert.equal((await closed).reason, 'seq-error')
  })

  it('3.5 GCM IVs are derived from the clock (12 ASCII digits), not random', async () => {
    await using p = await pair('3.5')
    const ivs: Uint8Array[] = []
    p.mock.addEventListener('frame', (e) => e.detail.direction === 'in' && ivs.push(e.detail.bytes.slice(18, 30)))
    await p.dev.connect()
    await p.dev.get({ schema: true })
    assert.ok(ivs.length >= 3)
    for (const iv of ivs) assert.ok(iv.every((b) => b >= 0x30 && b <= 0x39), 'tuyapi IV = Date.now()*10 as ASCII digits: repeats within one ms')
  })

  it('3.3 heartbeats carry the version header (an empty payload encrypted to one block)', async () => {
    await using p = await pair('3.3')
    const frame = p.mock.waitFor('frame', { filter: (d) => d.direction === 'in' && d.cmd === 9 })
    await p.dev.connect()
    await ping(p.dev)
    const body = (await frame).bytes.subarray(16, -8)
    assert.equal(new TextDecoder().decode(body.subarray(0, 3)), '3.3', 'tuyapi adds the version header; tinytuya and the app omit it')
    assert.equal(body.length, 15 + 16)
  })

  it('3.4: tuyapi matches replies by seq, so get() after set() waits forever (devices count on their own)', async () => {
    await using p = await pair('3.4')
    await p.dev.connect()
    await p.dev.get({ schema: true }) // aligned: tuyapi resynchronised its counter on the RESP seq
    await p.dev.set({ dps: 1, set: true }) // the device sent 2 frames (ack + push) for tuyapi's 1
    const reply = event<[unknown, number]>(p.dev, 'data')
    let isResolved = false
    void p.dev.get({ schema: true }).then(() => (isResolved = true))
    const [, cmd] = await reply
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(cmd, 16, 'the device did answer DP_QUERY_NEW')
    assert.equal(isResolved, false, 'but with its own seq, which tuyapi does not match to its request')
  })
})
