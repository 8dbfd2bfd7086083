/**
 * Gateways (PROTOCOL.md §10): children by cid over the gateway's single connection, pushes
 * routed by cid, the sub-device list (cmd 64), unknown children.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DevIdNotFoundError, type Dps } from '../src/index.ts'
import { nextEvent, pair, settle } from './helpers/setup.ts'

const CHILDREN: Record<string, Dps> = { a4c1380f4cd8e7b2: { '1': false, '2': 20 }, b5d2491a5de9f8c3: { '1': true } }
const [A, B] = Object.keys(CHILDREN) as [string, string]

for (const version of ['3.3', '3.4', '3.5'] as const) {
  describe(`gateway ${version}`, () => {
    it('children share one connection; reads and writes address the child; pushes are routed by cid', async () => {
      await using p = await pair({ version, gateway: CHILDREN, dps: {} })
      const { device: gateway, mock } = p
      let connections = 0
      mock.addEventListener('connection', () => connections++)
      const a = gateway.subdevice(A)
      const b = gateway.subdevice(B)
      assert.equal(gateway.subdevice(A), a, 'one handle per cid')
      const [sa, sb] = await Promise.all([a.status(), b.status()])
      assert.deepEqual(sa, CHILDREN[A])
      assert.deepEqual(sb, CHILDREN[B])
      assert.deepEqual(await a.set({ '2': 30 }), { '2': 30 })
      assert.deepEqual(mock.getDps(A), { '1': false, '2': 30 })
      assert.deepEqual(mock.getDps(B), { '1': true }, 'the other child is untouched')
      assert.deepEqual(a.state, { '1': false, '2': 30 })
      assert.deepEqual(b.state, { '1': true })
      assert.deepEqual(gateway.state, {}, "the gateway's own state holds no child DPs")

      const seenByB: unknown[] = []
      b.addEventListener('dps', (e) => seenByB.push(e.detail))
      const onGateway = nextEvent(gateway, 'dps', (d) => d.source === 'push')
      const onA = nextEvent(a, 'dps', (d) => d.source === 'push')
      mock.setDps({ '1': true }, { cid: A })
      const [g, c] = await Promise.all([onGateway, onA])
      assert.equal(g.cid, A, 'the gateway handle sees every child, with its cid')
      assert.deepEqual(c.dps, { '1': true })
      assert.deepEqual(c.state, { '1': true, '2': 30 })
      assert.deepEqual(seenByB, [], 'a child handle sees only its own DPs')
      assert.equal(connections, 1, 'one connection for the gateway and both children')
      assert.equal(gateway.isGateway, true)
    })

    it('lists online and offline children (cmd 64), and rejects an unknown cid with DevIdNotFoundError', async () => {
      await using p = await pair({ version, gateway: CHILDREN, dps: {} })
      const { device: gateway, mock } = p
      mock.setSubdeviceOnline(B, false)
      const list = await gateway.subdevices()
      assert.deepEqual(list.online, [A])
      assert.deepEqual(list.offline, [B])
      const unknown = await settle(gateway.subdevice('ffffffffffffffff').status())
      assert.ok(unknown.error instanceof DevIdNotFoundError, `got ${String(unknown.error)}`)
    })

    it('createDevice({ cid }) makes a handle for one child', async () => {
      await using p = await pair({ version, gateway: CHILDREN, dps: {} }, { cid: B })
      assert.deepEqual(await p.device.status(), CHILDREN[B])
      assert.deepEqual(await p.device.set({ '1': false }), { '1': false })
      assert.deepEqual(p.mock.getDps(B), { '1': false })
      assert.equal(p.device.cid, B)
    })
  })
}

describe('sub-device handles', () => {
  it('close() of a child detaches it only; closing the gateway closes the connection', async () => {
    await using p = await pair({ version: '3.4', gateway: CHILDREN, dps: {} })
    const a = p.device.subdevice(A)
    await a.status()
    await a.close()
    await assert.rejects(a.status(), { name: 'ClosedError' })
    assert.equal(p.device.online, true)
    const again = p.device.subdevice(A)
    assert.notEqual(again, a)
    assert.deepEqual(await again.status(), CHILDREN[A])
  })
})
