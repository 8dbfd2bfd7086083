/**
 * UDP discovery on loopback: periodic beacons per version (§14.1) and the 3.5 answer to a
 * REQ_DEVINFO solicitation, unicast to the ip written in the request (§14.2).
 */
import assert from 'node:assert/strict'
import * as dgram from 'node:dgram'
import { describe, it } from 'node:test'
import { decodeFrame, encodeFrame, UDP_KEY, type ProtocolVersion } from '@tuya/codec'
import { BeaconsOffError, createMockDevice } from '../src/index.ts'

/** A loopback UDP receiver on a free port; collects datagrams. */
async function receiver(): Promise<{ port: number; received: Uint8Array[]; next(ms?: number): Promise<Uint8Array>; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4')
  const received: Uint8Array[] = []
  let wake: (() => void) | undefined
  socket.on('message', (msg: Uint8Array) => {
    received.push(new Uint8Array(msg))
    wake?.()
  })
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()))
  return {
    port: socket.address().port,
    received,
    async next(ms = 2000) {
      if (received.length === 0) {
        let timer: ReturnType<typeof setTimeout> | undefined
        await new Promise<void>((resolve) => {
          wake = resolve
          timer = setTimeout(resolve, ms)
        })
        clearTimeout(timer)
        wake = undefined
      }
      const d = received.shift()
      if (d === undefined) throw new Error(`no datagram within ${ms} ms`)
      return d
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  }
}

describe('UDP beacons', () => {
  const expected: Array<[ProtocolVersion, number, '55aa' | '6699', ProtocolVersion]> = [
    ['3.1', 0, '55aa', '3.1'],
    ['3.3', 19, '55aa', '3.3'],
    ['3.4', 19, '55aa', '3.3'], // 3.4 beacons are CRC 55AA frames like 3.3's
    ['3.5', 19, '6699', '3.5'],
  ]
  for (const [version, cmd, format, decodeAs] of expected) {
    it(`${version}: cmd ${cmd}, ${format}, JSON with gwId/ip/version, sent to the configured address`, async () => {
      const rx = await receiver()
      await using mock = await createMockDevice({ version, beacon: { address: '127.0.0.1', port: rx.port, intervalMs: 0, solicitationPort: false } })
      await mock.sendBeacon()
      const frame = decodeFrame(await rx.next(), { version: decodeAs, key: UDP_KEY, direction: 'fromDevice' })
      assert.deepEqual([frame.cmd, frame.format, frame.seq, frame.retcode], [cmd, format, 0, 0])
      const json = frame.json as Record<string, unknown>
      assert.deepEqual([json.gwId, json.ip, json.version, json.encrypt], [mock.id, '127.0.0.1', version, true])
      assert.ok(version === '3.1' ? 'ability' in json : 'ablilty' in json, 'the (mis)spelling of real firmware')
      await rx.close()
    })
  }

  it('beacons repeat every intervalMs and stop on close', async () => {
    const rx = await receiver()
    const mock = await createMockDevice({ version: '3.3', beacon: { port: rx.port, intervalMs: 40 } })
    await new Promise((r) => setTimeout(r, 200))
    await mock.close()
    const count = rx.received.length
    assert.ok(count >= 3, `got ${count} beacons in 200 ms`)
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(rx.received.length, count, 'nothing after close')
    await rx.close()
  })

  it('3.5 answers a REQ_DEVINFO solicitation, unicast to the ip in the request', async () => {
    const rx = await receiver()
    await using mock = await createMockDevice({ version: '3.5', beacon: { intervalMs: 0, solicitationPort: 0, replyPort: rx.port } })
    assert.ok(mock.solicitationPort !== undefined && mock.solicitationPort > 0)
    const solicitation = encodeFrame({ version: '3.5', key: UDP_KEY, cmd: 37, seq: 0, payload: { from: 'app', ip: '127.0.0.1' } })
    const tx = dgram.createSocket('udp4')
    const got = mock.waitFor('solicitation')
    await new Promise<void>((resolve) => tx.send(solicitation, mock.solicitationPort!, '127.0.0.1', () => resolve()))
    assert.deepEqual(await got, { ip: '127.0.0.1', port: rx.port })
    const reply = decodeFrame(await rx.next(), { version: '3.5', key: UDP_KEY, direction: 'fromDevice' })
    assert.equal(reply.cmd, 19)
    assert.deepEqual([(reply.json as { gwId: string }).gwId, (reply.json as { lan_cap: number }).lan_cap], [mock.id, 5030])
    // Junk on the solicitation port is ignored, as devices do.
    await new Promise<void>((resolve) => tx.send(new Uint8Array([1, 2, 3]), mock.solicitationPort!, '127.0.0.1', () => resolve()))
    await new Promise<void>((resolve) => tx.close(() => resolve()))
    assert.deepEqual(rx.received, [])
    await rx.close()
  })

  it('sendBeacon without the beacon option is an error', async () => {
    await using mock = await createMockDevice({ version: '3.3' })
    await assert.rejects(mock.sendBeacon(), (error: unknown) => error instanceof BeaconsOffError && error.code === 'TUYA_ERR_MOCK_BEACONS_OFF' && /beacons are off/.test(error.message))
  })
})
