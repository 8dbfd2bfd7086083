/**
 * How `tuya get` and `tuya set` fail: a wrong key, a wrong version, a device that never
 * answers, nothing listening, an unknown sub-device (exit 1, one line that says what to
 * do), and bad command lines (exit 2, one line pointing to --help).
 */
import assert from 'node:assert/strict'
import * as net from 'node:net'
import { after, before, describe, it } from 'node:test'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { KEY, runCli, startCli, WRONG_KEY } from './fixtures/device-cli.ts'

const ID = 'bf1234567890abcdefgh'

function flags(port: number, ...more: string[]): string[] {
  return ['--host', '127.0.0.1', '--port', String(port), '--id', ID, '--timeout', '1', ...more]
}

async function expectFailure(argv: string[], pattern: RegExp): Promise<string> {
  const { code, out, err } = await runCli(argv)
  assert.equal(code, 1, `exit code for ${argv.join(' ')}: ${err.join('\n')}`)
  assert.deepEqual(out, [])
  assert.equal(err.length, 1, `one line: ${err.join('\n')}`)
  assert.match(err[0]!, pattern)
  return err[0]!
}

describe('tuya get/set failures: exit code 1 and one line', () => {
  let v33: MockDevice
  let v35: MockDevice
  let otherKey: MockDevice
  let silent: MockDevice
  let gateway: MockDevice
  let mute: net.Server
  let mutePort: number
  let closedPort: number
  const sockets = new Set<net.Socket>()

  before(async () => {
    v33 = await createMockDevice({ version: '3.3', id: ID, localKey: KEY })
    v35 = await createMockDevice({ version: '3.5', id: ID, localKey: KEY })
    // Answers under another key than the one it accepts: the client can prove the key wrong.
    otherKey = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, faults: { wrongKey: WRONG_KEY } })
    silent = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, faults: { isSilent: true } })
    gateway = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, gateway: true })
    // Accepts connections and never says a word.
    mute = net.createServer((socket) => {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
    })
    await new Promise<void>((resolve) => mute.listen(0, '127.0.0.1', () => resolve()))
    mutePort = (mute.address() as net.AddressInfo).port
    const probe = net.createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()))
    closedPort = (probe.address() as net.AddressInfo).port
    await new Promise<void>((resolve) => probe.close(() => resolve()))
  })
  after(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => mute.close(() => resolve()))
    await Promise.all([v33.close(), v35.close(), otherKey.close(), silent.close(), gateway.close()])
  })

  it('a wrong key proven by the reply says the local key is wrong', async () => {
    const line = await expectFailure(['get', ...flags(otherKey.port, '--key', KEY, '--version', 'auto')], /^tuya get: the local key is wrong: /)
    assert.match(line, /check the key \(--key, or "key" in devices\.json; it changes when the device is re-paired\)$/)
    assert.ok(!line.includes(WRONG_KEY) && !line.includes(KEY), 'never prints a key')
  })

  it('a wrong key the device ignores (3.5 handshake, 3.3 query) blames the key and the version, with the address and the time that passed', async () => {
    await expectFailure(['get', ...flags(v35.port, '--key', WRONG_KEY, '--version', '3.5')], new RegExp(`^tuya get: no answer from 127\\.0\\.0\\.1:${v35.port} within (0\\.9|1(\\.\\d)?) s: the local key or the version is wrong`))
    await expectFailure(['set', ...flags(v33.port, '--key', WRONG_KEY, '--version', '3.3'), '1=true'], /^tuya set: no answer from 127\.0\.0\.1:\d+ within 1(\.\d)? s: the local key or the version is wrong .*the version \(or --version auto\)/)
  })

  it('a wrong version is one line naming the version', async () => {
    await expectFailure(['get', ...flags(v33.port, '--key', KEY, '--version', '3.4')], /^tuya get: no answer from 127\.0\.0\.1:\d+ within (0\.9|1(\.\d)?) s: .*the version \(or --version auto\)/)
    // 3.1 queries travel unencrypted: a device that ignores them does not speak 3.1, whatever the key.
    await expectFailure(['get', ...flags(v33.port, '--key', KEY, '--version', '3.1')], /^tuya get: bf1234567890abcdefgh at 127\.0\.0\.1:\d+ does not speak protocol 3\.1: pass the right --version, or --version auto$/)
  })

  it('a device that never answers: no answer within the time that passed', async () => {
    await expectFailure(['get', ...flags(silent.port, '--key', KEY, '--version', '3.3')], /^tuya get: no answer from 127\.0\.0\.1:\d+ within 1(\.\d)? s: .*that no other app holds the device's single connection$/)
    await expectFailure(['get', ...flags(mutePort, '--key', KEY)], new RegExp(`^tuya get: no answer from 127\\.0\\.0\\.1:${mutePort} within (0\\.9|1(\\.\\d)?) s in any protocol version \\(3\\.1-3\\.5\\): check the address, the local key, and that no other app holds the device's single connection$`))
  })

  it('Ctrl-C while waiting for the device stops cleanly (exit 130)', async () => {
    const run = startCli(['set', '--host', '127.0.0.1', '--port', String(mutePort), '--id', ID, '--key', KEY, '--version', '3.3', '1=true'])
    await new Promise((resolve) => setTimeout(resolve, 200))
    run.stop()
    assert.equal(await run.done, 130)
    assert.deepEqual(run.err, ['tuya set: stopped'])
  })

  it('nothing listening: refused, at the first attempt (not after --timeout)', async () => {
    for (const version of ['3.3', 'auto']) {
      const started = Date.now()
      await expectFailure(['get', ...flags(closedPort, '--key', KEY, '--version', version), '--timeout', '10'], new RegExp(`^tuya get: 127\\.0\\.0\\.1:${closedPort} refused the connection: nothing listens there; check the address and the port \\(Tuya devices use 6668\\)$`))
      assert.ok(Date.now() - started < 5000, `${version}: the refusal is certain at once`)
    }
  })

  it('a device that answers in another version: the line names it', async () => {
    await using clearAnswering = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, quirks: { answersClearQueries: true } })
    await expectFailure(['get', ...flags(clearAnswering.port, '--key', KEY, '--version', '3.1')], /^tuya get: bf1234567890abcdefgh at 127\.0\.0\.1:\d+ speaks protocol 3\.3, not 3\.1: pass --version 3\.3 \(or --version auto\)$/)
  })

  it('a sub-device the gateway does not know', async () => {
    await expectFailure(['get', ...flags(gateway.port, '--key', KEY, '--version', '3.4', '--cid', 'ffffffffffffffff')], /^tuya get: the gateway at 127\.0\.0\.1:\d+ does not know the sub-device ffffffffffffffff: check its node_id \(cid\) in devices\.json or --cid$/)
  })
})

describe('tuya get/set usage errors: exit code 2 and one line', () => {
  const device = ['--host', '127.0.0.1', '--id', ID, '--key', KEY]
  const cases: Array<[string[], RegExp]> = [
    [['get'], /^tuya get: name a device from devices\.json \(such as "Living room lamp"\), or pass --host, --id and --key \(see tuya get --help\)$/],
    [['get', '--host', '127.0.0.1', '--id', ID, '--key', 'short'], /--key must be the 16-character local key, got 5 characters/],
    [['get', 'Lamp', '--id', ID], /give a device name or --id, not both/],
    [['get', 'Lamp', 'Fan'], /one device at a time, got 2: Lamp, Fan/],
    [['get', ...device, '--version', '3.9'], /--version must be 3\.1, 3\.2, 3\.3, 3\.4, 3\.5 or auto, got '3\.9'/],
    [['get', ...device, '--port', '70000'], /--port must be an integer from 1 to 65535, got 70000/],
    [['get', ...device, '--timeout', '0'], /--timeout must be a number of seconds above 0/],
    [['get', ...device, '--timeout', 'soon'], /--timeout must be a number, got 'soon'/],
    [['get', ...device, '--bogus'], /unknown option --bogus/],
    [['get', ...device, '--broadcast', 'everyone'], /--broadcast must be an IPv4 address/],
    [['set', ...device], /nothing to set: give DP=VALUE arguments \(1=true\) or --dps '\{"1":true\}'/],
    [['set', ...device, '--dps', '{bad'], /--dps must be JSON such as/],
    [['set', ...device, '--dps', '[1]'], /--dps must be a JSON object/],
    [['set', ...device, '--dps', '{"1":{"a":1}}'], /--dps: DP 1 must be true, false, null, a number or a string/],
    [['set', ...device, '=true'], /'=true' names no DP: write DP=VALUE/],
    [['set', ...device, 'power=on'], /unknown DP 'power': use a DP id \(1=true\)/],
    [['set', 'Lamp', 'Fan', '1=true'], /one device at a time, got Lamp, Fan/],
  ]
  for (const [argv, pattern] of cases) {
    it(argv.join(' '), async () => {
      const { code, out, err } = await runCli(argv)
      assert.equal(code, 2, err.join('\n'))
      assert.deepEqual(out, [])
      assert.equal(err.length, 1)
      assert.match(err[0]!, pattern)
      assert.match(err[0]!, /\(see tuya (get|set) --help\)$/)
    })
  }

  it('per-command help lists the flags and examples', async () => {
    for (const name of ['get', 'set']) {
      const { code, out } = await runCli([name, '--help'])
      assert.equal(code, 0)
      const text = out.join('\n')
      for (const flag of ['--host ADDR', '--port PORT', '--id ID', '--key KEY', '--version 3.x', '--cid CID', '--devices FILE', '--json', '--timeout S']) assert.ok(text.includes(flag), `${name} --help lists ${flag}`)
      assert.match(text, /Examples:\n {2}tuya /)
    }
  })
})
