/**
 * `tuya get NAME` / `tuya set NAME` from a devices.json written to a temporary directory:
 * names and ids, the tinytuya mapping, a gateway sub-device, and entries without an address
 * (found by their beacon on loopback ports; 3.5 only with --broadcast 127.0.0.1).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { discoveryPorts, KEY, runCli, startCli, tempDir } from './fixtures/device-cli.ts'

const LAMP = 'bf1111111111111111la'
const GATEWAY = 'bf3333333333333333gw'
const PLUG = 'bf5555555555555555pl'
const BULB = 'bf7777777777777777bu'
const CID = 'a4c1380f4cd8e7b2'
const GATEWAY_KEY = 'Wc8Jf3Gh6Tk1Yp5S'

describe('tuya get/set NAME with devices.json', () => {
  const dir = tempDir()
  let lamp: MockDevice
  let gateway: MockDevice
  let plug: MockDevice
  let bulb: MockDevice
  let file: string
  let udp: Awaited<ReturnType<typeof discoveryPorts>>

  before(async () => {
    udp = await discoveryPorts()
    lamp = await createMockDevice({ version: '3.3', id: LAMP, localKey: KEY, dps: { '1': false, '2': 50 } })
    gateway = await createMockDevice({ version: '3.4', id: GATEWAY, localKey: GATEWAY_KEY, dps: { '1': true }, gateway: { [CID]: { '1': false } } })
    plug = await createMockDevice({ version: '3.3', id: PLUG, localKey: KEY, dps: { '1': true }, beacon: { address: '127.0.0.1', port: udp.encrypted, intervalMs: 100 } })
    bulb = await createMockDevice({ version: '3.5', id: BULB, localKey: KEY, dps: { '20': false }, beacon: { address: '127.0.0.1', port: udp.encrypted, intervalMs: 0, solicitationPort: 0, replyPort: udp.replies } })
    file = dir.write('devices.json', [
      { name: 'Living room lamp', id: LAMP, key: KEY, ip: '127.0.0.1', version: '3.3', mapping: { '1': { code: 'switch_led', type: 'Boolean' }, '2': { code: 'bright_value', type: 'Integer' } } },
      { name: 'Zigbee gateway', id: GATEWAY, key: GATEWAY_KEY, ip: '127.0.0.1', version: '3.4' },
      { name: 'Door sensor', id: 'bf4444444444444444ds', node_id: CID, parent: GATEWAY, sub: true, key: '' },
      { name: 'Hall plug', id: PLUG, key: KEY, ip: '', version: '3.3' },
      { name: 'Desk bulb', id: BULB, key: KEY, version: '3.5' },
    ])
  })
  after(async () => {
    await Promise.all([lamp.close(), gateway.close(), plug.close(), bulb.close()])
    dir.remove()
  })

  const lampFlags = () => ['--devices', file, '--port', String(lamp.port), '--timeout', '3']
  const gatewayFlags = () => ['--devices', file, '--port', String(gateway.port), '--timeout', '3']

  it('get NAME --json reads the device named in devices.json', async () => {
    const { code, out, err } = await runCli(['get', 'Living room lamp', ...lampFlags(), '--json'])
    assert.equal(code, 0, err.join('\n'))
    assert.deepEqual(out, ['{"dps":{"1":false,"2":50}}'])
  })

  it('get NAME (any case) names the device and shows DP codes from the mapping', async () => {
    const { code, out } = await runCli(['get', 'living ROOM lamp', ...lampFlags()])
    assert.equal(code, 0)
    assert.equal(out[0], `"Living room lamp" (${LAMP} at 127.0.0.1:${lamp.port})  protocol 3.3`)
    assert.deepEqual(out.slice(1), ['   1  switch_led    false', '   2  bright_value  50'])
  })

  it('set NAME takes DP ids and DP codes from the mapping', async () => {
    const { code, err } = await runCli(['set', 'Living room lamp', '1=true', 'bright_value=30', ...lampFlags()])
    assert.equal(code, 0, err.join('\n'))
    assert.deepEqual(lamp.dps, { '1': true, '2': 30 })
    const unknown = await runCli(['set', 'Living room lamp', 'colour=red', ...lampFlags()])
    assert.equal(unknown.code, 2)
    assert.match(unknown.err[0]!, /unknown DP 'colour': use a DP id \(1=true\) or a code from devices\.json \(switch_led, bright_value\)/)
  })

  it('--id takes the key and the address from devices.json', async () => {
    const { code, out, err } = await runCli(['get', '--id', LAMP, ...lampFlags(), '--json'])
    assert.equal(code, 0, err.join('\n'))
    assert.deepEqual(Object.keys(JSON.parse(out[0]!).dps), ['1', '2'])
  })

  it('a sub-device resolves to its gateway with its cid (get and set)', async () => {
    const got = await runCli(['get', 'Door sensor', ...gatewayFlags(), '--json'])
    assert.equal(got.code, 0, got.err.join('\n'))
    assert.deepEqual(got.out, ['{"dps":{"1":false}}'])
    const set = await runCli(['set', 'Door sensor', '1=true', ...gatewayFlags(), '--json'])
    assert.equal(set.code, 0, set.err.join('\n'))
    assert.deepEqual(JSON.parse(set.out[0]!), { dps: { '1': true } })
    assert.deepEqual(gateway.getDps(CID), { '1': true })
    assert.deepEqual(gateway.dps, { '1': true }, "the gateway's own DPs are untouched")
    const human = await runCli(['get', 'door', ...gatewayFlags()])
    assert.equal(human.out[0], `"Door sensor" (sub-device ${CID} of gateway ${GATEWAY} at 127.0.0.1:${gateway.port})  protocol 3.4`)
  })

  it('an entry without an ip is found by its beacon, listening only', async () => {
    const { code, out, err } = await runCli(['get', 'Hall plug', '--devices', file, '--port', String(plug.port), ...udp.flags, '--json'])
    assert.equal(code, 0, err.join('\n'))
    assert.deepEqual(out, ['{"dps":{"1":true}}'])
    assert.match(err.join('\n'), /no address for "Hall plug": looking for it on the network \(listening for its UDP beacon; nothing is sent, up to 10 s\)/)
  })

  it('a silent 3.5 device without an ip is not found unless --broadcast asks it', async () => {
    let solicitations = 0
    bulb.addEventListener('solicitation', () => solicitations++)
    const passive = await runCli(['get', 'Desk bulb', '--devices', file, '--port', String(bulb.port), ...udp.flags, '--timeout', '0.5'])
    assert.equal(passive.code, 1)
    assert.equal(passive.err.at(-1), `tuya get: no beacon from "Desk bulb" (${BULB}) within 0.5 s: add its "ip" to devices.json or pass --host; 3.5 devices stay silent unless asked: add --broadcast with your subnet's broadcast address`)
    assert.equal(solicitations, 0, 'nothing was sent without --broadcast')
    const asked = await runCli(['get', 'Desk bulb', '--devices', file, '--port', String(bulb.port), ...udp.flags, '--broadcast', '127.0.0.1', '--broadcast-port', String(bulb.solicitationPort), '--json'])
    assert.equal(asked.code, 0, asked.err.join('\n'))
    assert.deepEqual(asked.out, ['{"dps":{"20":false}}'])
    assert.ok(solicitations >= 1)
  })

  it('Ctrl-C while looking for the address stops cleanly (exit 130)', async () => {
    const run = startCli(['get', 'Desk bulb', '--devices', file, ...udp.flags])
    await new Promise((resolve) => setTimeout(resolve, 200))
    run.stop()
    assert.equal(await run.done, 130)
    assert.equal(run.err.at(-1), 'tuya get: stopped')
  })

  it('an unknown name or a missing devices.json is one line and exit code 1', async () => {
    const unknown = await runCli(['get', 'Kitchen', '--devices', file])
    assert.equal(unknown.code, 1)
    assert.deepEqual(unknown.err, ['tuya get: no device named "Kitchen" in devices.json (5 devices); check the name or run the tinytuya wizard again'])
    const missing = await runCli(['set', 'Kitchen', '1=true', '--devices', `${dir.path}/nope.json`])
    assert.equal(missing.code, 1)
    assert.equal(missing.err.length, 1)
    assert.match(missing.err[0]!, /^tuya set: .*nope\.json does not exist$/)
  })

  it('a bad version is refused the same way in devices.json and on the command line', async () => {
    const bad = dir.write('bad-version.json', [{ name: 'Odd lamp', id: LAMP, key: KEY, ip: '127.0.0.1', version: '9.9' }])
    const fromFile = await runCli(['get', 'Odd lamp', '--devices', bad, '--port', String(lamp.port), '--timeout', '3'])
    assert.equal(fromFile.code, 1)
    assert.deepEqual(fromFile.err, [`tuya get: device "Odd lamp" (${LAMP}) has "version": "9.9" in devices.json; a version must be 3.1, 3.2, 3.3, 3.4, 3.5 or auto (fix the entry, or remove "version" to detect it)`])
    const fromFlag = await runCli(['get', 'Living room lamp', ...lampFlags(), '--version', '3.6'])
    assert.equal(fromFlag.code, 2)
    assert.match(fromFlag.err[0]!, /^tuya get: --version must be 3\.1, 3\.2, 3\.3, 3\.4, 3\.5 or auto, got '3\.6'/)
  })
})
