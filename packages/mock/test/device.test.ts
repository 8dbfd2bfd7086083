/**
 * The in-process API over loopback TCP, driven by the codec/session-based test client:
 * every version, device22, gateways, shared state, events and clean shutdown.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { PROTOCOL_VERSIONS, type DecodedFrame, type ProtocolVersion } from '@tuya/codec'
import { createMockDevice, DEFAULT_CID, ERROR_TEXT, MockClosedError, MockError, WaitForTimeoutError } from '../src/index.ts'
import { TestClient } from './helpers/client.ts'

const KEY = '0123456789abcdef'
const ID = 'bf1234567890abcdefgh'
const isNew = (v: ProtocolVersion) => v === '3.4' || v === '3.5'
const dpsOf = (f: DecodedFrame) => {
  const j = f.json as { dps?: unknown; data?: { dps?: unknown } }
  return j.dps ?? j.data?.dps
}
const setPayload = (v: ProtocolVersion, dps: Record<string, unknown>) => (isNew(v) ? { protocol: 5, t: 1, data: { dps } } : { devId: ID, uid: ID, t: '1', dps })

describe('every version over TCP', () => {
  for (const version of PROTOCOL_VERSIONS) {
    it(`${version}: status, set (ack + push), refresh, heartbeat, device-side push`, async () => {
      await using mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': false, '18': 120 } })
      const c = await TestClient.connect({ version, key: KEY, port: mock.port })
      if (version === '3.2') {
        // 3.2 is always device22: the status query is a CONTROL_NEW with null DPs.
        const { reply } = await c.request(13, { devId: ID, uid: ID, t: '1', dps: { '1': null, '18': null } })
        assert.equal(reply.payload.length, 0)
        assert.deepEqual(dpsOf(await c.next()), { '1': false, '18': 120 })
      } else {
        const { reply } = await c.request(isNew(version) ? 16 : 10, isNew(version) ? {} : { gwId: ID, devId: ID, uid: ID, t: '1' })
        assert.deepEqual(dpsOf(reply), { '1': false, '18': 120 })
      }
      const changed = mock.waitFor('change', { filter: (d) => d.source === 'client' })
      const set = await c.request(isNew(version) ? 13 : 7, setPayload(version, { '1': true }))
      assert.equal(set.reply.payload.length, 0, 'the set is acknowledged by an empty frame')
      const push = await c.next()
      assert.deepEqual([push.cmd, dpsOf(push)], [8, { '1': true }])
      assert.deepEqual((await changed).dps, { '1': true })
      assert.deepEqual(mock.dps, { '1': true, '18': 120 })

      assert.equal((await c.request(18, { dpId: [18] })).reply.payload.length, 0)
      assert.deepEqual(dpsOf(await c.next()), { '18': 120 })
      assert.equal((await c.request(9, { gwId: ID, devId: ID })).reply.payload.length, 0)

      mock.setDps({ '18': 99 })
      const pushed = await c.next()
      assert.deepEqual([pushed.cmd, dpsOf(pushed)], [8, { '18': 99 }])
      assert.equal(pushed.seq === 0, !isNew(version), 'pushes carry seq 0 on 3.1-3.3 only')
      c.close()
    })
  }
})

describe('shared state and events', () => {
  it('two clients (maxConnections 2) see one state; a set by one is pushed to both', async () => {
    await using mock = await createMockDevice({ version: '3.5', id: ID, localKey: KEY, dps: { '1': false }, maxConnections: 2 })
    const a = await TestClient.connect({ version: '3.5', key: KEY, port: mock.port })
    const b = await TestClient.connect({ version: '3.5', key: KEY, port: mock.port })
    await a.request(13, setPayload('3.5', { '1': true }))
    assert.deepEqual(dpsOf(await a.next()), { '1': true })
    assert.deepEqual(dpsOf(await b.next()), { '1': true })
    assert.deepEqual(dpsOf((await b.request(16, {})).reply), { '1': true })
    assert.equal(mock.connections.length, 2)
    a.close()
    b.close()
  })

  it('emits connection, handshake, frame, command and close events; waitFor times out cleanly', async () => {
    const mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY })
    const seen: string[] = []
    for (const type of ['connection', 'handshake', 'command', 'close'] as const) mock.addEventListener(type, () => seen.push(type))
    let framesIn = 0
    mock.addEventListener('frame', (e) => (framesIn += e.detail.direction === 'in' ? 1 : 0))
    const c = await TestClient.connect({ version: '3.4', key: KEY, port: mock.port })
    const command = mock.waitFor('command')
    await c.request(9, {})
    assert.equal((await command).name, 'HEART_BEAT')
    c.close()
    await mock.waitFor('close')
    assert.deepEqual(seen, ['connection', 'handshake', 'command', 'close'])
    assert.equal(framesIn, 3)
    await assert.rejects(mock.waitFor('beacon', { timeoutMs: 20 }), (error: unknown) =>
      error instanceof WaitForTimeoutError && error.code === 'TUYA_ERR_MOCK_WAIT_TIMEOUT' && error.type === 'beacon' && error.timeoutMs === 20 &&
      /no 'beacon' event from the mock device within 20 ms: check/.test(error.message))
    await mock.close()
    await mock.close() // idempotent
    await assert.rejects(mock.restart(), (error: unknown) => error instanceof MockClosedError && error instanceof MockError && /closed; create a new one/.test(error.message))
  })

  it('a listener added after traffic hears the next event (unheard types are skipped, not lost for later listeners)', async () => {
    await using mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY })
    const c = await TestClient.connect({ version: '3.3', key: KEY, port: mock.port })
    await c.request(9, {})
    const names: string[] = []
    const listener = (e: CustomEvent<{ name: string }>): void => void names.push(e.detail.name)
    mock.addEventListener('command', listener)
    await c.request(9, {})
    mock.removeEventListener('command', listener)
    await c.request(9, {})
    mock.addEventListener('command', listener)
    await c.request(10, { devId: ID, uid: ID, t: '1' })
    assert.deepEqual(names, ['HEART_BEAT', 'DP_QUERY'])
    c.close()
  })

  it('closes connections on close(); an aborted signal closes the device', async () => {
    const controller = new AbortController()
    const mock = await createMockDevice({ version: '3.3', localKey: KEY, signal: controller.signal })
    const c = await TestClient.connect({ version: '3.3', key: KEY, port: mock.port })
    await c.request(9, {})
    controller.abort()
    assert.equal(await c.closedWithin(1000), true)
    await mock.close()
    await assert.rejects(TestClient.connect({ version: '3.3', key: KEY, port: mock.port }), /ECONNREFUSED/)
  })
})

describe('device22 and gateways over TCP', () => {
  it('3.4 device22: data unvalid on DP_QUERY_NEW, the null-DP CONTROL_NEW reads the listed DPs', async () => {
    await using mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dev22: true, dps: { '1': true, '4': 5 } })
    const c = await TestClient.connect({ version: '3.4', key: KEY, port: mock.port })
    const err = (await c.request(16, {})).reply
    assert.deepEqual([err.retcode, err.text], [1, ERROR_TEXT.DATA_UNVALID])
    await c.request(13, { devId: ID, uid: ID, t: '1', dps: { '1': null, '2': null, '4': null } })
    assert.deepEqual(dpsOf(await c.next()), { '1': true, '4': 5 })
    c.close()
  })

  it('3.4 gateway: child status, child set, sub-device list, unknown cid', async () => {
    await using mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, gateway: true, dps: {}, now: () => 1_700_000_000_000 })
    mock.setSubdevice('b1b1b1b1b1b1b1b1', { '1': true }, { isOnline: false })
    const c = await TestClient.connect({ version: '3.4', key: KEY, port: mock.port })
    assert.deepEqual((await c.request(16, { cid: DEFAULT_CID })).reply.json, { cid: DEFAULT_CID, dps: { '1': false } })
    await c.request(13, { protocol: 5, t: 1, data: { cid: DEFAULT_CID, ctype: 0, dps: { '1': true } }, cid: DEFAULT_CID })
    assert.deepEqual((await c.next()).json, { protocol: 4, t: 1_700_000_000, data: { cid: DEFAULT_CID, dps: { '1': true } } })
    const list = (await c.request(64, { reqType: 'subdev_online_stat_query', data: { cids: [] } })).reply.json
    assert.deepEqual(list, { reqType: 'subdev_online_stat_report', data: { online: [DEFAULT_CID], offline: ['b1b1b1b1b1b1b1b1'] } })
    assert.equal((await c.request(16, { cid: 'ffff' })).reply.text, ERROR_TEXT.DEVID_NOT_FOUND)
    assert.deepEqual(mock.getDps(DEFAULT_CID), { '1': true })
    mock.setDps({ '1': false }, { cid: 'b1b1b1b1b1b1b1b1' })
    assert.equal(((await c.next()).json as { data: { cid: string } }).data.cid, 'b1b1b1b1b1b1b1b1')
    c.close()
  })
})
