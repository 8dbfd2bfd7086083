/**
 * The bridge's options and its edges: bad options, an unreachable broker, MQTT 3.1.1 clients
 * (no correlation data: a request id in the payload instead), a custom topic root, discovery off.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { createMockDevice } from '@tuya/mock'
import { createBridge, MqttBridgeError } from '../src/index.ts'
import { freePort, SKIP_REASON, SKIP_SECURE_REASON, startMosquitto } from '../../../scripts/test-support/mosquitto.ts'
import { observe } from './support/observer.ts'

describe('bridge options', () => {
  it('refuses bad options, naming them', () => {
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [], root: 'tuya/#' }), /options.root must be MQTT topic levels/)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [], root: '/tuya' }), RangeError)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [], discoveryPrefix: 'ha/+' }), /options.discoveryPrefix/)
    assert.throws(() => createBridge({ mqtt: 42 as never, devices: [] }), /options.mqtt must be a URL/)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: {} as never }), /options.devices must be an array/)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [], commandTimeoutMs: 0 }), /commandTimeoutMs/)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [{ id: 'bf12/34', key: '0123456789abcdef' }] }), /can be a topic level/)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [{ id: 'c', cid: '1', gatewayId: 'gw' }] }), /its gateway gw is not among the devices/)
    assert.throws(() => createBridge({ mqtt: 'mqtt://127.0.0.1:1', devices: [{ id: 'a', key: '0123456789abcdef', host: '127.0.0.1' }, { id: 'a', key: '0123456789abcdef', host: '127.0.0.1' }] }), /listed twice/)
  })

  it('start() rejects with a clear error when the broker cannot be reached', async () => {
    const port = await freePort()
    const bridge = createBridge({ mqtt: { url: `mqtt://127.0.0.1:${port}`, reconnectPeriod: 100, connectTimeout: 500 }, devices: [] })
    try {
      await assert.rejects(bridge.start({ timeoutMs: 800 }), (e: Error) => e instanceof MqttBridgeError && /could not connect to the MQTT broker within 800 ms.*ECONNREFUSED/.test(e.message))
    } finally {
      await bridge.close()
    }
  })
})

describe('MQTT 3.1.1, a custom root, no discovery, a device without a profile', { skip: SKIP_REASON }, () => {
  it('answers with the request id from the payload, and guesses entities from the values', async () => {
    const broker = await startMosquitto()
    await using mock = await createMockDevice({ version: '3.4', dps: { '1': false, '2': 17 } })
    const watcher = await observe(broker.url, ['home/tuya/#', 'homeassistant/#'])
    const bridge = createBridge({ mqtt: { url: broker.url, protocolVersion: 4 }, root: 'home/tuya', discoveryPrefix: false, devices: [{ id: mock.id, key: mock.localKey, host: '127.0.0.1', port: mock.port, version: '3.4' }] })
    try {
      // A command left retained on the broker is never acted on: it would replay on every reconnect.
      await watcher.publish(`home/tuya/${mock.id}/set`, '{"1": true}', { qos: 1, retain: true })
      await bridge.start()
      await watcher.next(`home/tuya/${mock.id}/state`, () => true, { sinceIndex: 0 })
      await new Promise((resolve) => setTimeout(resolve, 200))
      assert.equal(mock.dps['1'], false)
      await watcher.publish(`home/tuya/${mock.id}/set`, '', { qos: 1, retain: true })
      await watcher.publish(`home/tuya/${mock.id}/set`, JSON.stringify({ dps: { '1': true }, id: 'kitchen-1' }))
      const result = JSON.parse((await watcher.next(`home/tuya/${mock.id}/result`)).text)
      assert.deepEqual(result, { topic: `home/tuya/${mock.id}/set`, ok: true, id: 'kitchen-1', dps: { '1': true } })
      // Without a profile, any DP is passed on with only its JSON type checked.
      await watcher.publish(`home/tuya/${mock.id}/dp/2/set`, '18')
      await watcher.next(`home/tuya/${mock.id}/dp/2/state`, (m) => m.text === '18')
      assert.equal(watcher.messages.filter((m) => m.topic.startsWith('homeassistant/')).length, 0)
      assert.deepEqual(bridge.devices().map((d) => [d.id, d.isOnline, d.state]), [[mock.id, true, { '1': true, '2': 18 }]])
    } finally {
      await bridge.close()
      await watcher.close()
      await broker.stop()
    }
  })
})

describe('broker credentials and TLS', { skip: SKIP_SECURE_REASON }, () => {
  it('refuses at once with wrong credentials, connects with the right ones', async () => {
    const broker = await startMosquitto({ users: { bridge: 'right-password' } })
    await using mock = await createMockDevice({ version: '3.3', dps: { '1': true } })
    const devices = [{ id: mock.id, key: mock.localKey, host: '127.0.0.1', port: mock.port, version: '3.3' as const }]
    const wrong = createBridge({ mqtt: { url: broker.url, username: 'bridge', password: 'wrong', reconnectPeriod: 100 }, devices })
    try {
      const started = performance.now()
      await assert.rejects(wrong.start({ timeoutMs: 10_000 }), (e: Error) => e instanceof MqttBridgeError && /refused the connection.*check the username and password/.test(e.message))
      assert.ok(performance.now() - started < 5000, 'refused credentials do not wait for the deadline')
    } finally {
      await wrong.close()
    }
    const right = createBridge({ mqtt: { url: broker.url, username: 'bridge', password: 'right-password' }, devices })
    try {
      await right.start({ timeoutMs: 5000 })
      const watcher = await observe(broker.url, ['tuya/#'], { username: 'bridge', password: 'right-password' })
      await watcher.next(`tuya/${mock.id}/state`, () => true, { sinceIndex: 0 })
      await watcher.close()
    } finally {
      await right.close()
      await broker.stop()
    }
  })

  it('connects over mqtts:// with the CA, and says so when the certificate cannot be verified', async () => {
    const broker = await startMosquitto({ isTls: true })
    const ca = readFileSync(broker.caFile!)
    const untrusted = createBridge({ mqtt: { url: broker.url, reconnectPeriod: 100 }, devices: [] })
    try {
      await assert.rejects(untrusted.start({ timeoutMs: 1500 }), (e: Error) => e instanceof MqttBridgeError && /could not connect.*(self.signed|certificate|verify)/i.test(e.message))
    } finally {
      await untrusted.close()
    }
    const trusted = createBridge({ mqtt: { url: broker.url, ca }, devices: [] })
    try {
      await trusted.start({ timeoutMs: 5000 })
      assert.equal(trusted.isConnected, true)
    } finally {
      await trusted.close()
      await broker.stop()
    }
  })
})

