/**
 * Wrong keys, a device that allows one connection, the device's idle timeout, late replies,
 * and the no-storm rules: one connection at a time, backoff instead of hammering.
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { describe, it } from 'node:test'
import { ConnectionLostError, TimeoutError, WrongKeyError } from '../src/index.ts'
import { assertRecovered } from './helpers/recovery.ts'
import { count, KEY, nextEvent, pair, settle, sleep } from './helpers/setup.ts'

const OTHER_KEY = 'fedcba9876543210'

describe('wrong key', () => {
  for (const version of ['3.3', '3.4', '3.5'] as const) {
    it(`${version}: the device answers under another key: WrongKeyError, then backs off to maxDelayMs; recovers once the key matches`, async () => {
      await using p = await pair({ version, faults: { wrongKey: OTHER_KEY } }, { reconnect: { initialDelayMs: 10, maxDelayMs: 250, jitter: 0 } })
      const { device, mock } = p
      let connections = 0
      mock.addEventListener('connection', () => connections++)
      const first = await settle(device.status())
      assert.ok(first.error instanceof WrongKeyError, `got ${String(first.error)}`)
      // 3.4/3.5 learn it from the handshake proof; 3.3 from a reply that does not decrypt.
      assert.equal(first.error.reason, version === '3.3' ? 'undecryptable' : 'handshake-proof')
      assert.equal(first.error.isProven, true)
      assert.doesNotMatch(first.error.message, new RegExp(`${KEY}|${OTHER_KEY}`), 'no key in the message')
      const again = await settle(device.set({ '1': true }))
      assert.equal(again.error, first.error, 'while backing off, commands fail at once with the same error')
      await sleep(400)
      assert.ok(connections <= 3, `${connections} connections in ~400 ms: the wrong key is retried every maxDelayMs, not hammered`)
      mock.clearFaults()
      await nextEvent(device, 'connected')
      await assertRecovered(p, 71)
    })
  }

  it('3.3 with the wrong key configured: the device drops what it cannot decrypt; silence on a fresh connection is WrongKeyError', async () => {
    await using p = await pair({ version: '3.3' }, { key: OTHER_KEY, timeoutMs: 300 })
    const result = await settle(p.device.status())
    assert.ok(result.error instanceof WrongKeyError, `got ${String(result.error)}`)
    assert.match(result.error.message, /silent/)
    assert.equal(result.error.reason, 'silent')
    assert.equal(result.error.isProven, false, 'silence is only a symptom of a wrong key')
    assert.equal(count(p.commands, 'DP_QUERY'), 0, 'the device could not authenticate the query')
  })

  it('3.4 with the wrong key configured: no handshake answer is WrongKeyError', async () => {
    await using p = await pair({ version: '3.4' }, { key: OTHER_KEY })
    const result = await settle(p.device.connect())
    assert.ok(result.error instanceof WrongKeyError, `got ${String(result.error)}`)
    assert.match(result.error.message, /handshake/)
    assert.equal(result.error.reason, 'silent', 'no handshake answer at all: inferred, not proven')
    assert.equal(result.error.isProven, false)
  })
})

describe('one connection per device', () => {
  for (const version of ['3.3', '3.4'] as const) {
    it(`${version}: while another client holds the device, attempts are refused and backed off; the command goes through once it is free`, async () => {
      await using p = await pair({ version, maxConnections: 1, onExtraConnection: 'refuse' }, { timeoutMs: 2000 })
      const { device, mock, commands } = p
      const holder = net.connect({ host: '127.0.0.1', port: mock.port })
      await new Promise((resolve) => holder.once('connect', resolve))
      await sleep(20)
      let refused = 0
      mock.addEventListener('close', (e) => { if (e.detail.reason === 'refused') refused++ })
      const status = settle(device.status())
      await sleep(250)
      assert.ok(refused >= 1, 'the device refused our connection')
      const holderGone = mock.waitFor('close', { filter: (d) => d.reason === 'client' })
      holder.destroy()
      await holderGone
      const result = await status
      // 3.4 is refused before the handshake ends, so the query was never sent and simply waits;
      // 3.3 is usable at once, so the query went out on a connection that was then closed.
      if (version === '3.4') assert.deepEqual(result.value, { '1': false, '2': 50 })
      else assert.ok(result.value !== undefined || result.error instanceof ConnectionLostError, `got ${String(result.error)}`)
      assert.ok(p.events.includes('error:ConnectionError') || version === '3.3')
      assert.ok(count(commands, version === '3.4' ? 'DP_QUERY_NEW' : 'DP_QUERY') <= 1, 'never received twice')
      await assertRecovered(p, 72)
    })
  }

  it('never holds two connections, and reconnects with growing delays', async () => {
    await using p = await pair({ version: '3.4' }, { reconnect: { initialDelayMs: 40, maxDelayMs: 400, factor: 2, jitter: 0 } })
    const { device, mock } = p
    let most = 0
    mock.addEventListener('connection', () => { most = Math.max(most, mock.connections.length) })
    await Promise.all(Array.from({ length: 20 }, (_, i) => device.set({ '2': i })))
    const starts: number[] = []
    device.addEventListener('state', (e) => { if (e.detail.state === 'connecting') starts.push(Date.now()) })
    await mock.restart({ downtimeMs: 500 })
    await nextEvent(device, 'connected')
    assert.equal(most, 1, 'one connection at a time')
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!)
    assert.ok(gaps.length >= 2, `attempts: ${starts.length}`)
    // 40, 80, 160, 320 ms, … capped at maxDelayMs (400).
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i]! >= Math.min(gaps[i - 1]! * 1.5, 380), `delays grow: ${gaps.join(', ')}`)
  })
})

describe('idle timeout', () => {
  it('the keep-alive heartbeat holds the connection past the device idle timeout', async () => {
    await using p = await pair({ version: '3.5', idleTimeoutMs: 250 }, { heartbeatIntervalMs: 100 })
    const { device, mock, commands } = p
    const closes: string[] = []
    mock.addEventListener('close', (e) => closes.push(e.detail.reason))
    await device.status()
    await sleep(900)
    assert.deepEqual(closes, [], 'never idle-closed')
    assert.ok(count(commands, 'HEART_BEAT') >= 5, `${count(commands, 'HEART_BEAT')} heartbeats`)
    assert.equal(p.events.filter((e) => e === 'connected').length, 1)
    await assertRecovered(p, 73)
  })

  it('without heartbeats the device closes the idle connection; the next command reconnects', async () => {
    await using p = await pair({ version: '3.3', idleTimeoutMs: 150 }, { heartbeatIntervalMs: 0 })
    const { device, mock } = p
    await device.status()
    const closed = nextEvent(device, 'disconnected')
    assert.equal((await closed).reason, 'remote-close')
    assert.deepEqual(mock.getDps(), await device.status())
  })
})

describe('late replies', () => {
  for (const version of ['3.3', '3.4', '3.5'] as const) {
    it(`${version}: a reply after the deadline is TimeoutError and is never taken for the next command's answer`, async () => {
      // maxInFlight 2: the next status could go out while the late answer is on its way.
      await using p = await pair({ version }, { timeoutMs: 150, heartbeatTimeoutMs: 1000, maxInFlight: 2 })
      const { device, mock } = p
      await device.heartbeat()
      mock.setFaults({ replyDelayMs: 250 })
      const late = settle(device.status())
      await sleep(160) // the first status has timed out; its answer is still on its way
      mock.clearFaults()
      mock.setDps({ '2': 51 }, { isSilent: true }) // so the second answer differs from the first
      const second = await settle(device.status({ timeoutMs: 1000 }))
      const first = await late
      assert.ok(first.error instanceof TimeoutError, `got ${String(first.error)}`)
      assert.deepEqual(second.value, { '1': false, '2': 51 }, 'the second status got its own answer, not the late one')
      assert.equal(device.state['2'], 51)
      assert.equal(p.events.filter((e) => e.startsWith('disconnected')).length, 0, 'one late answer does not cost the connection')
    })
  }
})
