/**
 * The bridge against a real Mosquitto and @tuya/mock devices of every version plus a gateway,
 * all on 127.0.0.1: discovery, state, commands and results, availability, broker restarts.
 * Skipped, with the reason, where mosquitto is not installed.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { tcpConnector, type Connector, type LogEntry } from '@tuya/client'
import { createBridge, type BridgeDevice, type BridgeLogEntry, type TuyaMqttBridge } from '../src/index.ts'
import { bridgeDevices, CHILD_CID, CHILD_ID, DEVICES, startDevices, type RunningDevice } from './support/devices.ts'
import { haProblems } from './support/ha-schema.ts'
import { SKIP_REASON, startMosquitto, type Broker } from '../../../scripts/test-support/mosquitto.ts'
import { observe, type Observer } from './support/observer.ts'

if (SKIP_REASON !== false) {
  it('the bridge against Mosquitto', { skip: SKIP_REASON }, () => {})
} else {
  describe('the bridge against Mosquitto', () => {
    let broker: Broker
    let devices: RunningDevice[]
    let bridge: TuyaMqttBridge
    let watcher: Observer
    const logs: BridgeLogEntry[] = []
    // deviceOptions: every device with a connection of its own gets a counting transport and a logger.
    const tapped = new Map<string, { bytesIn: number; opens: number; logs: LogEntry[] }>()
    const tap = (d: BridgeDevice): { transport: Connector; logger: (entry: LogEntry) => void } => {
      const seen = { bytesIn: 0, opens: 0, logs: [] as LogEntry[] }
      tapped.set(d.id, seen)
      return {
        transport: (request, handlers) => {
          seen.opens++
          return tcpConnector(request, {
            onData: (bytes) => {
              seen.bytesIn += bytes.length
              handlers.onData(bytes)
            },
            onClose: (error) => handlers.onClose(error),
          })
        },
        logger: (entry) => seen.logs.push(entry),
      }
    }
    const earlier: Array<{ topic: string; text: string }> = []
    const device = (version: string): RunningDevice => devices.find((d) => d.version === version && d.children === undefined)!
    const gateway = (): RunningDevice => devices.find((d) => d.children !== undefined)!

    before(async () => {
      broker = await startMosquitto()
      devices = await startDevices()
      watcher = await observe(broker.url, ['tuya/#', 'homeassistant/#'])
      bridge = createBridge({
        mqtt: { url: broker.url, reconnectPeriod: 200, connectTimeout: 2000 },
        devices: bridgeDevices(devices),
        commandTimeoutMs: 3000,
        fleet: { reconnect: { initialDelayMs: 100, maxDelayMs: 400, factor: 2, jitter: 0, stableAfterMs: 1000 }, heartbeatIntervalMs: 1000 },
        deviceOptions: tap,
        logger: (entry) => logs.push(entry),
      })
      await bridge.start({ timeoutMs: 5000 })
      for (const d of devices) await watcher.next(`tuya/${d.id}/availability`, (m) => m.text === 'online', { sinceIndex: 0 })
      for (const d of devices) await watcher.next(`tuya/${d.id}/state`, () => true, { sinceIndex: 0 })
    })

    after(async () => {
      await bridge?.close()
      await watcher?.close()
      await Promise.allSettled((devices ?? []).map((d) => d.mock.close()))
      await broker?.stop()
    })

    it('publishes the bridge as online, and retained state for every device of every version', async () => {
      await watcher.next('tuya/bridge/availability', (m) => m.text === 'online', { sinceIndex: 0 })
      for (const d of devices) {
        const state = await watcher.next(`tuya/${d.id}/state`, (m) => JSON.parse(m.text)['1'] !== undefined || JSON.parse(m.text)['20'] !== undefined, { sinceIndex: 0 })
        assert.deepEqual(JSON.parse(state.text), d.mock.dps, `${d.name}: state topic = the device's DPs`)
      }
      const child = await watcher.next(`tuya/${gateway().id}/${CHILD_CID}/state`, () => true, { sinceIndex: 0 })
      assert.deepEqual(JSON.parse(child.text), { '1': false })
      const dp = await watcher.next(`tuya/${device('3.5').id}/dp/19/state`, () => true, { sinceIndex: 0 })
      assert.equal(dp.text, '345')
    })

    it('deviceOptions gives each device with a connection its own transport and logger (not the gateway\'s children)', () => {
      assert.deepEqual([...tapped.keys()].sort(), devices.map((d) => d.id).sort())
      assert.ok(!tapped.has(CHILD_ID))
      for (const d of devices) {
        const seen = tapped.get(d.id)!
        assert.ok(seen.opens >= 1 && seen.bytesIn > 0, `${d.name}: its traffic went through its own transport`)
        assert.ok(seen.logs.every((entry) => entry.deviceId === d.id), `${d.name}: its own log lines only`)
      }
    })

    it('publishes a device discovery config per device that is valid for HA, with dev, o and cmps', async () => {
      for (const d of [...devices.map((x) => x.id), CHILD_ID]) {
        const m = await watcher.next(`homeassistant/device/tuya_${d}/config`, () => true, { sinceIndex: 0 })
        const config = JSON.parse(m.text)
        assert.deepEqual(haProblems(config), [], `config of ${d}`)
        assert.deepEqual(config.availability.map((a: { topic: string }) => a.topic), ['tuya/bridge/availability', d === CHILD_ID ? `tuya/${gateway().id}/${CHILD_CID}/availability` : `tuya/${d}/availability`])
      }
      const platforms = (id: string) => watcher.next(`homeassistant/device/tuya_${id}/config`, () => true, { sinceIndex: 0 }).then((m) => Object.values(JSON.parse(m.text).cmps).map((c) => (c as { p: string }).p).sort())
      assert.deepEqual(await platforms(device('3.3').id), ['light'])
      assert.deepEqual(await platforms(device('3.4').id), ['cover'])
      assert.deepEqual(await platforms(device('3.5').id), ['sensor', 'sensor', 'sensor', 'sensor', 'switch'])
      assert.deepEqual(await platforms(device('3.1').id), ['number', 'switch'])
      const meter = JSON.parse((await watcher.next(`homeassistant/device/tuya_${device('3.5').id}/config`, () => true, { sinceIndex: 0 })).text)
      assert.equal(meter.cmps.cur_power.unit_of_measurement, 'W')
      assert.equal(meter.cmps.cur_power.value_template, '{{ (value_json | float / 10) | round(1) }}')
      assert.equal(meter.cmps.add_ele.state_class, 'total_increasing')
      const child = JSON.parse((await watcher.next(`homeassistant/device/tuya_${CHILD_ID}/config`, () => true, { sinceIndex: 0 })).text)
      assert.equal(child.dev.via_device, `tuya_${gateway().id}`)
      assert.equal(child.cmps.switch_1.command_topic, `tuya/${gateway().id}/${CHILD_CID}/dp/1/set`)
    })

    for (const version of ['3.1', '3.3', '3.4', '3.5'] as const) {
      it(`a set over MQTT changes the ${version} device, the result carries the correlation data, and the state follows`, async () => {
        const d = device(version)
        const dps = version === '3.3' ? { '20': true } : version === '3.4' ? { '2': 40 } : { '1': version === '3.5' ? false : true }
        const [dp, value] = Object.entries(dps)[0]!
        const since = watcher.messages.length
        const changed = d.mock.waitFor('change', { filter: (c) => c.source === 'client', timeoutMs: 5000 })
        await watcher.publish(`tuya/${d.id}/set`, JSON.stringify(dps), { qos: 1, properties: { correlationData: Buffer.from(`req-${version}`) } })
        assert.deepEqual((await changed).dps, dps)
        assert.equal(d.mock.dps[dp], value)
        const result = await watcher.next(`tuya/${d.id}/result`, () => true, { sinceIndex: since })
        assert.equal(result.correlation, `req-${version}`)
        assert.deepEqual(JSON.parse(result.text), { topic: `tuya/${d.id}/set`, ok: true, dps })
        await watcher.next(`tuya/${d.id}/state`, (m) => JSON.parse(m.text)[dp] === value, { sinceIndex: since })
        await watcher.next(`tuya/${d.id}/dp/${dp}/state`, (m) => m.text === JSON.stringify(value), { sinceIndex: since })
      })
    }

    it('sets a gateway child on its own topics, and a DP on its DP topic', async () => {
      const gw = gateway()
      const since = watcher.messages.length
      await watcher.publish(`tuya/${gw.id}/${CHILD_CID}/dp/1/set`, 'true')
      await watcher.next(`tuya/${gw.id}/${CHILD_CID}/dp/1/state`, (m) => m.text === 'true', { sinceIndex: since })
      assert.deepEqual(gw.mock.getDps(CHILD_CID), { '1': true })
      const result = JSON.parse((await watcher.next(`tuya/${gw.id}/${CHILD_CID}/result`, () => true, { sinceIndex: since })).text)
      assert.equal(result.ok, true)
    })

    it('turns a light command in HA JSON into the colour DPs, and publishes the light state', async () => {
      const d = device('3.3')
      const since = watcher.messages.length
      await watcher.publish(`tuya/${d.id}/entity/light/set`, JSON.stringify({ state: 'ON', color: { h: 120, s: 100 }, brightness: 255 }))
      const state = await watcher.next(`tuya/${d.id}/entity/light/state`, (m) => JSON.parse(m.text).color_mode === 'hs', { sinceIndex: since })
      assert.deepEqual(JSON.parse(state.text), { state: 'ON', brightness: 255, color_mode: 'hs', color: { h: 120, s: 100 } })
      assert.equal(d.mock.dps['21'], 'colour')
      assert.equal(d.mock.dps['24'], '007803e803e8')
    })

    it('publishes a device-side change within 100 ms', async () => {
      for (const d of [device('3.1'), device('3.3'), device('3.4'), device('3.5')]) {
        const dp = d.version === '3.3' ? '22' : d.version === '3.4' ? '3' : d.version === '3.5' ? '19' : '9'
        const value = 77 + Number(d.version.slice(2))
        const arrival = watcher.next(`tuya/${d.id}/dp/${dp}/state`, (m) => m.text === String(value))
        const t0 = performance.now()
        d.mock.setDps({ [dp]: value })
        const m = await arrival
        const ms = m.atMs - t0
        assert.ok(ms < 100, `${d.name}: published ${ms.toFixed(1)} ms after the device changed`)
      }
    })

    it('answers malformed commands on result with a clear error, and sends nothing to the device', async () => {
      const d = device('3.5')
      const commands: unknown[] = []
      const onCommand = (e: CustomEvent<{ name: string }>): void => {
        if (e.detail.name.startsWith('CONTROL')) commands.push(e.detail)
      }
      d.mock.addEventListener('command', onCommand as never)
      const cases: Array<[string, string, RegExp]> = [
        [`tuya/${d.id}/set`, '{"1": tru', /not JSON/],
        [`tuya/${d.id}/set`, '[1,2]', /JSON object of DP id/],
        [`tuya/${d.id}/set`, '{}', /names no DP/],
        [`tuya/${d.id}/set`, '{"1": "yes"}', /DP 1 \(switch_1\) takes true or false/],
        [`tuya/${d.id}/set`, '{"99": true}', /no DP 99/],
        [`tuya/${d.id}/set`, '{"19": 5}', /only reports/],
        [`tuya/${d.id}/set`, '{"switch": true}', /not a DP id/],
        [`tuya/${d.id}/dp/1/set`, 'maybe', /not JSON/],
        [`tuya/${d.id}/dp/1/set`, '', /empty/],
        [`tuya/${d.id}/entity/nothing/set`, '{}', /no entity "nothing"/],
        [`tuya/${device('3.4').id}/dp/2/set`, '101', /from 0 to 100/],
        [`tuya/${device('3.4').id}/dp/1/set`, 'sideways', /one of "open", "stop", "close"/],
        [`tuya/${device('3.3').id}/entity/light/set`, '{"state":"on"}', /"ON" or "OFF"/],
        [`tuya/${d.id}/set`, JSON.stringify({ '1': 'x'.repeat(5000) }), /at most 4096/],
      ]
      for (const [topic, payload, expected] of cases) {
        const since = watcher.messages.length
        const correlation = `bad-${since}`
        await watcher.publish(topic, payload, { qos: 1, properties: { correlationData: Buffer.from(correlation) } })
        const resultTopic = topic.replace(/\/(dp|entity)\/[^/]+\/set$/, '/result').replace(/\/set$/, '/result')
        const m = await watcher.next(resultTopic, (x) => x.correlation === correlation, { sinceIndex: since })
        const result = JSON.parse(m.text)
        assert.equal(result.ok, false, `${topic} ${payload}`)
        assert.equal(result.error.code, 'TUYA_ERR_BAD_COMMAND')
        assert.match(result.error.message, expected)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
      d.mock.removeEventListener('command', onCommand as never)
      assert.deepEqual(commands, [], 'no CONTROL reached the device')
    })

    it('answers a command for an unknown device on result', async () => {
      const since = watcher.messages.length
      await watcher.publish('tuya/bfnosuchdevice000000/set', '{"1":true}')
      const result = JSON.parse((await watcher.next('tuya/bfnosuchdevice000000/result', () => true, { sinceIndex: since })).text)
      assert.equal(result.error.code, 'TUYA_ERR_UNKNOWN_DEVICE')
    })

    it('reflects a device going offline and coming back in its availability; a command it cannot take gets an error', async () => {
      const d = device('3.3')
      const since = watcher.messages.length
      const restart = d.mock.restart({ downtimeMs: 1500 })
      await watcher.next(`tuya/${d.id}/availability`, (m) => m.text === 'offline', { sinceIndex: since })
      await watcher.publish(`tuya/${d.id}/set`, '{"20": false}')
      const result = JSON.parse((await watcher.next(`tuya/${d.id}/result`, () => true, { sinceIndex: since, timeoutMs: 5000 })).text)
      assert.equal(result.ok, false)
      assert.match(result.error.code, /TUYA_ERR_(OFFLINE|CONNECTION)/)
      await restart
      await watcher.next(`tuya/${d.id}/availability`, (m) => m.text === 'online', { sinceIndex: since, timeoutMs: 8000 })
    })

    it('marks a gateway child offline when its gateway lists it offline (read at each gateway connection)', async () => {
      const gw = gateway()
      const topic = `tuya/${gw.id}/${CHILD_CID}/availability`
      const since = watcher.messages.length
      gw.mock.setSubdeviceOnline(CHILD_CID, false)
      await gw.mock.restart({ downtimeMs: 200 })
      await watcher.next(`tuya/${gw.id}/availability`, (m) => m.text === 'online', { sinceIndex: since, timeoutMs: 8000 })
      // The gateway is back; the child, listed offline, never came back with it.
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual(watcher.messages.slice(since).filter((m) => m.topic === topic).map((m) => m.text), ['offline'])
      gw.mock.setSubdeviceOnline(CHILD_CID, true)
      await gw.mock.restart({ downtimeMs: 200 })
      await watcher.next(topic, (m) => m.text === 'online', { sinceIndex: watcher.messages.length - 1, timeoutMs: 8000 })
    })

    it('re-sends discovery when Home Assistant announces itself', async () => {
      const since = watcher.messages.length
      await watcher.publish('homeassistant/status', 'online')
      for (const d of devices) await watcher.next(`homeassistant/device/tuya_${d.id}/config`, () => true, { sinceIndex: since })
    })

    it('reconnects after a broker restart and publishes retained state, availability and discovery again', async () => {
      earlier.push(...watcher.messages)
      await watcher.close()
      await broker.restart(300)
      // A new subscriber after the restart sees only what the bridge published again (no persistence).
      watcher = await observe(broker.url, ['tuya/#', 'homeassistant/#'])
      await watcher.next('tuya/bridge/availability', (m) => m.text === 'online', { sinceIndex: 0, timeoutMs: 8000 })
      for (const d of devices) await watcher.next(`homeassistant/device/tuya_${d.id}/config`, () => true, { sinceIndex: 0 })
      // What a subscriber arriving later gets is what the broker retained.
      const late = await observe(broker.url, ['tuya/#', 'homeassistant/#'])
      try {
        for (const d of devices) {
          await late.next(`tuya/${d.id}/availability`, (m) => m.text === 'online' && m.isRetained, { sinceIndex: 0 })
          const state = await late.next(`tuya/${d.id}/state`, (m) => m.isRetained, { sinceIndex: 0 })
          assert.deepEqual(JSON.parse(state.text), d.mock.dps)
          await late.next(`homeassistant/device/tuya_${d.id}/config`, (m) => m.isRetained, { sinceIndex: 0 })
        }
      } finally {
        earlier.push(...late.messages)
        await late.close()
      }
      // And commands work again.
      const since = watcher.messages.length
      await watcher.publish(`tuya/${device('3.1').id}/set`, '{"1": false}')
      assert.equal(JSON.parse((await watcher.next(`tuya/${device('3.1').id}/result`, () => true, { sinceIndex: since })).text).ok, true)
    })

    it('never puts a local key in a topic, a payload or a log line', () => {
      const texts = [...earlier, ...watcher.messages].map((m) => `${m.topic} ${m.text}`).concat(logs.map((l) => l.message))
      assert.ok(texts.length > 50)
      for (const d of DEVICES) {
        const hexKey = Buffer.from(d.key).toString('hex')
        for (const t of texts) {
          assert.ok(!t.includes(d.key) && !t.toLowerCase().includes(hexKey), `the key of ${d.name} appeared in: ${t.slice(0, 80)}`)
        }
      }
    })

    it('publishes offline for every device and the bridge when it closes', async () => {
      const since = watcher.messages.length
      await bridge.close()
      await watcher.next('tuya/bridge/availability', (m) => m.text === 'offline', { sinceIndex: since })
      for (const d of devices) await watcher.next(`tuya/${d.id}/availability`, (m) => m.text === 'offline', { sinceIndex: since })
    })
  })
}
