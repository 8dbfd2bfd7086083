/**
 * `tuya bridge` in-process: with the embedded broker (aedes, MQTT 3.1.1) and a YAML file, with
 * devices.json mappings against a real Mosquitto (skipped, with the reason, where it is not
 * installed), the live table on a terminal, the log lines, and its usage errors. Stopping it
 * (what SIGINT/SIGTERM do) publishes offline and exits 0.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { connectAsync, type MqttClient } from 'mqtt'
import { SKIP_REASON, SKIP_SECURE_REASON, startMosquitto } from '../../../scripts/test-support/mosquitto.ts'
import { createBridgeCommand } from '../src/commands/bridge.ts'
import { COMMANDS } from '../src/commands/index.ts'
import { KEY, PIPE, runCli, startCli, TTY, until } from './fixtures/device-cli.ts'

const ID = 'bf1234567890abcdefgh'

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

interface Seen { topic: string; text: string }

async function watch(url: string, protocolVersion: 4 | 5): Promise<{ client: MqttClient; seen: Seen[] }> {
  const client = await connectAsync(url, { protocolVersion, reconnectPeriod: 0 })
  const seen: Seen[] = []
  client.on('message', (topic, payload) => seen.push({ topic, text: payload.toString() }))
  await client.subscribeAsync(['tuya/#', 'homeassistant/#'], { qos: 1 })
  return { client, seen }
}

const commandsWith = (terminal: typeof PIPE) => COMMANDS.map((c) => (c.name === 'bridge' ? createBridgeCommand(terminal) : c))

describe('tuya bridge with the embedded broker', () => {
  let mock: MockDevice
  let dir: string
  let config: string
  before(async () => {
    mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dps: { '1': false, '2': 50 } })
    dir = mkdtempSync(join(tmpdir(), 'tuya-bridge-cli-'))
    config = join(dir, 'bridge.yaml')
    writeFileSync(config, `devices:\n  ${ID}:\n    name: Desk plug\n    key: ${KEY}\n    host: 127.0.0.1\n    port: ${mock.port}\n    version: "3.4"\n    dps:\n      1: { code: switch_1, type: bool }\n      2: { code: countdown_1, type: value, min: 0, max: 86400 }\n`)
  })
  after(async () => {
    await mock.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('bridges the file\'s device: state, discovery, a set with a request id, offline when stopped', async () => {
    const port = await freePort()
    const run = startCli(['bridge', '--embedded-broker', '--mqtt', `mqtt://127.0.0.1:${port}`, '--config', config], commandsWith(PIPE))
    let watcher: Awaited<ReturnType<typeof watch>> | undefined
    try {
      await until(() => run.err.some((l) => l.includes(`${ID}  state`)), 'the first state')
      watcher = await watch(`mqtt://127.0.0.1:${port}`, 4)
      const seen = watcher.seen
      await until(() => seen.some((m) => m.topic === `tuya/${ID}/state`), 'the retained state')
      assert.deepEqual(JSON.parse(seen.find((m) => m.topic === `tuya/${ID}/state`)!.text), { '1': false, '2': 50 })
      await until(() => seen.some((m) => m.topic === `homeassistant/device/tuya_${ID}/config`), 'discovery')
      const discovery = JSON.parse(seen.find((m) => m.topic === `homeassistant/device/tuya_${ID}/config`)!.text)
      assert.deepEqual(Object.keys(discovery.cmps), ['switch_1', 'countdown_1'])
      assert.equal(discovery.dev.name, 'Desk plug')
      await watcher.client.publishAsync(`tuya/${ID}/set`, JSON.stringify({ dps: { '1': true }, id: 'r1' }), { qos: 1 })
      await until(() => seen.some((m) => m.topic === `tuya/${ID}/result`), 'the result')
      assert.deepEqual(JSON.parse(seen.find((m) => m.topic === `tuya/${ID}/result`)!.text), { topic: `tuya/${ID}/set`, ok: true, id: 'r1', dps: { '1': true } })
      assert.equal(mock.dps['1'], true)
      await until(() => run.err.some((l) => l.includes('command on') && l.includes(': ok')), 'the command log line')
    } finally {
      run.stop()
    }
    assert.equal(await run.done, 0, run.err.join('\n'))
    await until(() => watcher!.seen.some((m) => m.topic === `tuya/${ID}/availability` && m.text === 'offline'), 'offline').finally(() => watcher!.client.endAsync(true))
    assert.match(run.err.at(-1)!, /stopped \(every device published offline\)/)
    assert.ok(run.err.every((l) => !l.includes(KEY)), 'no key in the log')
  })

  it('draws a live table on a terminal', async () => {
    const port = await freePort()
    const run = startCli(['bridge', '--embedded-broker', '--mqtt', `mqtt://127.0.0.1:${port}`, '--config', config, '--no-color'], commandsWith(TTY))
    try {
      await until(() => run.out.some((l) => l.includes('Desk plug') && l.includes('yes') && l.includes('{"1":')), 'a table row for the online device')
      assert.ok(run.out.some((l) => l.includes('DEVICE') && l.includes('ONLINE') && l.includes('LAST CHANGE')))
      assert.ok(run.out.some((l) => /broker connected {2}1\/1 online/.test(l)))
    } finally {
      run.stop()
    }
    assert.equal(await run.done, 0)
  })

  it('--debug: every frame of every device on stderr, decoded, never the key; log lines instead of the table', async () => {
    const port = await freePort()
    const run = startCli(['bridge', '--embedded-broker', '--mqtt', `mqtt://127.0.0.1:${port}`, '--config', config, '--no-color', '--debug'], commandsWith(TTY))
    try {
      await until(() => run.err.some((l) => l.trim().startsWith('<- {"dps":{"1":')), 'a decoded status frame from the device')
      const frames = run.err.filter((l) => l.startsWith('debug '))
      for (const [arrow, name] of [['->', 'SESS_KEY_NEG_START'], ['<-', 'SESS_KEY_NEG_RESP'], ['->', 'SESS_KEY_NEG_FINISH'], ['->', 'DP_QUERY_NEW'], ['<-', 'DP_QUERY_NEW']]) {
        assert.ok(frames.some((l) => l.includes(`${arrow} ${ID}  ${name} `)), `${arrow} ${name} in:\n${frames.join('\n')}`)
      }
      assert.ok(!run.out.some((l) => l.includes('LAST CHANGE')), 'no live table with --debug')
    } finally {
      run.stop()
    }
    assert.equal(await run.done, 0, run.err.join('\n'))
    const all = [...run.out, ...run.err].join('\n')
    assert.ok(!all.includes(KEY) && !all.includes(Buffer.from(KEY).toString('hex')), 'the local key is never printed')
  })

  it('--json: log lines as JSON objects on stdout', async () => {
    const port = await freePort()
    const run = await runCli(['bridge', '--embedded-broker', '--mqtt', `mqtt://127.0.0.1:${port}`, '--config', config, '--json', '--duration', '0.8'], commandsWith(PIPE))
    assert.equal(run.code, 0, run.err.join('\n'))
    const lines = run.out.map((l) => JSON.parse(l) as { level: string; message: string; device?: string })
    assert.ok(lines.some((l) => l.message === 'online' && l.device === ID))
    assert.ok(lines.some((l) => l.message === 'connected to the broker'))
  })
})

describe('tuya bridge as a process', () => {
  it('SIGTERM publishes offline and exits 0', async () => {
    await using mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, dps: { '1': false } })
    const dir = mkdtempSync(join(tmpdir(), 'tuya-bridge-term-'))
    const port = await freePort()
    writeFileSync(join(dir, 'bridge.yaml'), `devices:\n  ${ID}:\n    key: ${KEY}\n    host: 127.0.0.1\n    port: ${mock.port}\n    version: "3.3"\n`)
    // Always Node here: the point is the process's signal handling, not the runtime.
    const child = spawn('node', ['--import', 'tsx', 'src/bin.ts', 'bridge', '--embedded-broker', '--mqtt', `mqtt://127.0.0.1:${port}`, '--config', join(dir, 'bridge.yaml')], { cwd: new URL('..', import.meta.url), stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => (err += String(d)))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      await until(() => err.includes(`${ID}  online`), 'online', 20_000)
      const watcher = await watch(`mqtt://127.0.0.1:${port}`, 4)
      await until(() => watcher.seen.some((m) => m.topic === `tuya/${ID}/availability` && m.text === 'online'), 'availability online')
      child.kill('SIGTERM')
      await until(() => watcher.seen.some((m) => m.topic === `tuya/${ID}/availability` && m.text === 'offline'), 'availability offline')
      await until(() => watcher.seen.some((m) => m.topic === 'tuya/bridge/availability' && m.text === 'offline'), 'the bridge offline')
      await watcher.client.endAsync(true).catch(() => {})
      const code = await exited
      assert.match(err, /stopped \(every device published offline\)\n$/)
      // Deno's child_process reports a null exit code for a child it has sent a signal to, even when
      // the child handled the signal and exited by itself (as the line above shows it did).
      if (!('Deno' in globalThis)) assert.equal(code, 0, err)
    } finally {
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('tuya bridge usage', () => {
  it('says what is missing or wrong', async () => {
    const none = await runCli(['bridge', '--devices', '/nonexistent/devices.json'], commandsWith(PIPE))
    assert.equal(none.code, 2)
    assert.match(none.err.join('\n'), /say which broker: --mqtt/)
    const bad = await runCli(['bridge', '--mqtt', 'http://x'], commandsWith(PIPE))
    assert.equal(bad.code, 2)
    assert.match(bad.err.join('\n'), /--mqtt must be mqtt:\/\/host:port/)
    const dir = mkdtempSync(join(tmpdir(), 'tuya-bridge-usage-'))
    try {
      const devices = join(dir, 'devices.json')
      writeFileSync(devices, JSON.stringify([{ id: 'bfnokey0000000000000', name: 'No key' }]))
      const nokey = await runCli(['bridge', '--mqtt', 'mqtt://127.0.0.1:1', '--devices', devices], commandsWith(PIPE))
      assert.equal(nokey.code, 1)
      assert.match(nokey.err.join('\n'), /skipped No key \(bfnokey0000000000000\): no local key/)
      assert.match(nokey.err.join('\n'), /no device to bridge/)
      const yaml = join(dir, 'bad.yaml')
      writeFileSync(yaml, 'brokers: []\n')
      const badYaml = await runCli(['bridge', '--mqtt', 'mqtt://127.0.0.1:1', '--config', yaml], commandsWith(PIPE))
      assert.equal(badYaml.code, 1)
      assert.match(badYaml.err.join('\n'), /unknown field "brokers"/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('tuya bridge against Mosquitto, devices from devices.json', { skip: SKIP_REASON }, () => {
  it('uses the tinytuya mapping for discovery and the file for the port; an unreachable broker is one clear line', async () => {
    const broker = await startMosquitto()
    const port = broker.port
    const dir = mkdtempSync(join(tmpdir(), 'tuya-bridge-mosq-'))
    await using mock = await createMockDevice({ version: '3.5', id: ID, localKey: KEY, dps: { '1': true, '19': 1234 } })
    try {
      const devices = join(dir, 'devices.json')
      writeFileSync(devices, JSON.stringify([{ id: ID, name: 'Meter', key: KEY, ip: '127.0.0.1', version: '3.5', product_name: 'Smart Plug', mapping: { '1': { code: 'switch_1', type: 'Boolean', values: {} }, '19': { code: 'cur_power', type: 'Integer', values: { unit: 'W', scale: 1 } } } }]))
      writeFileSync(join(dir, 'bridge.yaml'), `devices:\n  ${ID}:\n    port: ${mock.port}\n`)
      const run = startCli(['bridge', '--mqtt', `mqtt://127.0.0.1:${port}`, '--devices', devices, '--config', join(dir, 'bridge.yaml')], commandsWith(PIPE))
      const watcher = await watch(`mqtt://127.0.0.1:${port}`, 5)
      try {
        await until(() => watcher.seen.some((m) => m.topic === `homeassistant/device/tuya_${ID}/config`), 'discovery')
        const config = JSON.parse(watcher.seen.find((m) => m.topic === `homeassistant/device/tuya_${ID}/config`)!.text)
        assert.equal(config.dev.mdl, 'Smart Plug')
        assert.deepEqual(Object.fromEntries(Object.entries(config.cmps).map(([k, v]) => [k, (v as { p: string }).p])), { switch_1: 'switch', cur_power: 'sensor' })
        await until(() => watcher.seen.some((m) => m.topic === `tuya/${ID}/dp/19/state` && m.text === '1234'), 'the power DP')
      } finally {
        run.stop()
        await watcher.client.endAsync(true)
      }
      assert.equal(await run.done, 0, run.err.join('\n'))
      await broker.stop()
      const down = await runCli(['bridge', '--mqtt', `mqtt://127.0.0.1:${port}`, '--devices', devices, '--config', join(dir, 'bridge.yaml'), '--connect-timeout', '1'], commandsWith(PIPE))
      assert.equal(down.code, 1)
      assert.match(down.err.join('\n'), /could not connect to the MQTT broker within 1000 ms.*ECONNREFUSED/)
    } finally {
      await broker.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('tuya bridge with credentials and TLS', { skip: SKIP_SECURE_REASON }, () => {
  it('--ca, --username and TUYA_MQTT_PASSWORD reach an mqtts:// broker that wants them', async () => {
    const broker = await startMosquitto({ isTls: true, users: { ha: 'secret-pw' } })
    await using mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dps: { '1': false } })
    const dir = mkdtempSync(join(tmpdir(), 'tuya-bridge-tls-'))
    try {
      writeFileSync(join(dir, 'bridge.yaml'), `devices:\n  ${ID}:\n    key: ${KEY}\n    host: 127.0.0.1\n    port: ${mock.port}\n    version: "3.4"\n`)
      const flags = ['bridge', '--mqtt', broker.url, '--ca', broker.caFile!, '--username', 'ha', '--config', join(dir, 'bridge.yaml'), '--connect-timeout', '3']
      const run = await runCli([...flags, '--duration', '1'], commandsWith({ ...PIPE, env: { TUYA_MQTT_PASSWORD: 'secret-pw' } }))
      assert.equal(run.code, 0, run.err.join('\n'))
      assert.ok(run.err.some((l) => l.includes(`${ID}  online`)), run.err.join('\n'))
      assert.ok(run.err.every((l) => !l.includes('secret-pw') && !l.includes(KEY)), 'neither the password nor the key in the log')
      const refused = await runCli([...flags, '--duration', '1'], commandsWith({ ...PIPE, env: { TUYA_MQTT_PASSWORD: 'wrong' } }))
      assert.equal(refused.code, 1)
      assert.match(refused.err.join('\n'), /refused the connection.*check the username and password/)
    } finally {
      await broker.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
