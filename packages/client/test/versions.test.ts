/**
 * Every protocol version against @tuya/mock over loopback TCP: the commands, their replies,
 * pushes into events / state / updates(), seq numbering and one frame per call.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { nextEvent, pair, VERSIONS } from './helpers/setup.ts'

for (const version of VERSIONS) {
  describe(`protocol ${version}`, () => {
    it('status, set, refresh, heartbeat and request each send one command and resolve with the answer', async () => {
      await using p = await pair({ version, dps: { '1': false, '2': 50, '18': 120 } })
      const { device, mock, commands } = p
      assert.deepEqual(await device.status(), { '1': false, '2': 50, '18': 120 })
      assert.deepEqual(await device.set({ '1': true, '2': 75 }), { '1': true, '2': 75 })
      assert.deepEqual(mock.getDps(), { '1': true, '2': 75, '18': 120 })
      assert.deepEqual(await device.set('2', 10), { '2': 10 })
      assert.deepEqual(await device.refresh([18]), { '18': 120 })
      assert.equal(typeof (await device.heartbeat()), 'number')
      const raw = await device.request(9, { gwId: device.id, devId: device.id })
      assert.equal(raw.cmd, 9)
      assert.equal(raw.type, 'ack')
      assert.deepEqual(device.state, { '1': true, '2': 10, '18': 120 })
      // Exactly one command per call, in call order. 3.2 always reads in the device22 dialect:
      // CONTROL_NEW with null DPs, one per DP-id probe range the first time (§9).
      const read = version === '3.2' ? Array(9).fill('CONTROL_NEW') : [version >= '3.4' ? 'DP_QUERY_NEW' : 'DP_QUERY']
      const write = version >= '3.4' ? 'CONTROL_NEW' : 'CONTROL'
      assert.deepEqual(commands, [...read, write, write, 'UPDATEDPS', 'HEART_BEAT', 'HEART_BEAT'])
      assert.equal(device.version, version)
      assert.equal(device.online, true)
      assert.equal(device.connectionState, 'online')
    })

    it('numbers its frames 1, 2, 3, … on each connection (handshake included, §12)', async () => {
      await using p = await pair({ version })
      const { device, mock } = p
      const seqs = new Map<number, number[]>()
      mock.addEventListener('frame', (e) => {
        if (e.detail.direction !== 'in') return
        const list = seqs.get(e.detail.connectionId) ?? []
        list.push(e.detail.seq)
        seqs.set(e.detail.connectionId, list)
      })
      await device.heartbeat()
      await device.status()
      mock.disconnectAll()
      await nextEvent(device, 'disconnected')
      await device.heartbeat()
      await device.set({ '1': true })
      const lists = [...seqs.values()]
      assert.equal(lists.length, 2, 'two connections')
      for (const list of lists) {
        assert.equal(list[0], 1, 'each connection starts at seq 1')
        for (let i = 1; i < list.length; i++) assert.equal(list[i], list[i - 1]! + 1, `seqs strictly increase by 1: ${list.join(',')}`)
      }
    })

    it('turns a device-side change into a push event, the merged state and an updates() item', async () => {
      await using p = await pair({ version, dps: { '1': false, '2': 50 } })
      const { device, mock } = p
      await device.status()
      const controller = new AbortController()
      const updates = device.updates({ signal: controller.signal })
      const event = nextEvent(device, 'dps', (d) => d.source === 'push')
      mock.setDps({ '2': 99 })
      const detail = await event
      assert.deepEqual(detail.dps, { '2': 99 })
      assert.deepEqual(detail.state, { '1': false, '2': 99 })
      assert.equal(detail.cid, undefined)
      assert.deepEqual(device.state, { '1': false, '2': 99 })
      const item = await updates.next()
      assert.equal(item.done, false)
      assert.deepEqual(item.value!.dps, { '2': 99 })
      controller.abort(new Error('stop'))
      await assert.rejects(updates.next(), /stop/)
    })
  })
}

describe('events', () => {
  it('reports connected and state changes with typed details', async () => {
    await using p = await pair({ version: '3.4' })
    const { device } = p
    const states: string[] = []
    device.addEventListener('state', (e) => states.push(`${e.detail.previous}>${e.detail.state}`))
    const connected = nextEvent(device, 'connected')
    const detail = await device.connect()
    assert.deepEqual(detail, { version: '3.4', isReconnect: false, isVersionDetected: false })
    assert.deepEqual(await connected, detail)
    assert.deepEqual(states, ['idle>connecting', 'connecting>online'])
    assert.deepEqual(await device.connect(), detail, 'connect() on an online device resolves at once')
    await device.close()
    assert.deepEqual(states, ['idle>connecting', 'connecting>online', 'online>closed'])
  })

  it('ends updates() iterators when the handle closes', async () => {
    await using p = await pair({ version: '3.3' })
    const updates = p.device.updates()
    const pending = updates.next()
    await p.device.close()
    assert.deepEqual(await pending, { value: undefined, done: true })
  })
})
