/**
 * `tuya get` and `tuya set` with --host --port --id --key --version against @tuya/mock on
 * 127.0.0.1, for 3.3, 3.4 and 3.5: the --json shapes, the human output, the shorthand's types.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { createGetCommand } from '../src/commands/get.ts'
import { createSetCommand } from '../src/commands/set.ts'
import { hasAnsi, KEY, runCli, TTY } from './fixtures/device-cli.ts'

const ID = 'bf1234567890abcdefgh'
const INITIAL = { '1': false, '2': 50, '3': 'white', '4': 'x' }

for (const version of ['3.3', '3.4', '3.5'] as const) {
  describe(`tuya get/set, protocol ${version}`, () => {
    let mock: MockDevice
    let flags: string[]
    before(async () => {
      mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { ...INITIAL } })
      flags = ['--host', '127.0.0.1', '--port', String(mock.port), '--id', ID, '--key', KEY, '--version', version, '--timeout', '3']
    })
    after(() => mock.close())

    it('get --json prints exactly {"dps":{...}}', async () => {
      mock.setDps({ ...INITIAL }, { isSilent: true })
      const { code, out, err } = await runCli(['get', ...flags, '--json'])
      assert.equal(code, 0, err.join('\n'))
      assert.deepEqual(out, [JSON.stringify({ dps: INITIAL })])
      assert.deepEqual(err, [])
    })

    it('set --dps JSON --json prints the DPs the device reported', async () => {
      mock.setDps({ ...INITIAL }, { isSilent: true })
      const { code, out, err } = await runCli(['set', ...flags, '--dps', '{"1":true}', '--json'])
      assert.equal(code, 0, err.join('\n'))
      assert.deepEqual(out.map((l) => JSON.parse(l)), [{ dps: { '1': true } }])
      assert.equal(mock.dps['1'], true)
    })

    it('set DP=VALUE types true/false/null/numbers/strings, and "50" stays a string', async () => {
      mock.setDps({ ...INITIAL }, { isSilent: true })
      const { code, out, err } = await runCli(['set', ...flags, '1=true', '2=75', '3=blue', '4="50"'])
      assert.equal(code, 0, err.join('\n'))
      assert.deepEqual(mock.dps, { '1': true, '2': 75, '3': 'blue', '4': '50' })
      assert.match(out[0]!, new RegExp(`^${ID} at 127\\.0\\.0\\.1:${mock.port} reported:$`))
      assert.deepEqual(out.slice(1), ['   1  true', '   2  75', '   3  "blue"', '   4  "50"'])
    })

    it('get prints a table for people, without colours off a terminal', async () => {
      mock.setDps({ ...INITIAL }, { isSilent: true })
      const { code, out } = await runCli(['get', ...flags])
      assert.equal(code, 0)
      assert.equal(out[0], `${ID} at 127.0.0.1:${mock.port}  protocol ${version}`)
      assert.deepEqual(out.slice(1), ['   1  false', '   2  50', '   3  "white"', '   4  "x"'])
      assert.ok(!out.some(hasAnsi))
    })
  })
}

describe('tuya get/set: version auto, terminals, values', () => {
  let mock: MockDevice
  let flags: string[]
  before(async () => {
    mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY, dps: { ...INITIAL } })
    flags = ['--host', '127.0.0.1', '--port', String(mock.port), '--id', ID, '--key', KEY, '--timeout', '3']
  })
  after(() => mock.close())

  it('detects the version when --version is left out (auto) and names it', async () => {
    const { code, out, err } = await runCli(['get', ...flags])
    assert.equal(code, 0, err.join('\n'))
    assert.match(out[0]!, /protocol 3\.4$/)
  })

  it('colours on a terminal, with a spinner on stderr that is erased again', async () => {
    const { code, out, err } = await runCli(['get', ...flags], [createGetCommand(TTY)])
    assert.equal(code, 0)
    assert.ok(out.some(hasAnsi), 'colours on a terminal')
    assert.match(err[0]!, /^⠋ reading bf1234567890abcdefgh at 127\.0\.0\.1:\d+ \(detecting the protocol version\)$/)
    assert.equal(err.at(-1), '\x1b[1A\x1b[2K\x1b[1A', 'the spinner line is cleared')
  })

  it('NO_COLOR and --json turn colours off even on a terminal', async () => {
    const noColor = await runCli(['get', ...flags], [createGetCommand({ ...TTY, env: { NO_COLOR: '1' } })])
    assert.ok(!noColor.out.some(hasAnsi))
    const json = await runCli(['get', ...flags, '--json'], [createGetCommand(TTY)])
    assert.ok(!json.out.some(hasAnsi))
    assert.deepEqual(Object.keys(JSON.parse(json.out[0]!)), ['dps'])
  })

  it('--dps and DP=VALUE combine; the shorthand wins', async () => {
    const { code } = await runCli(['set', ...flags, '--dps', '{"1":true,"2":10}', '2=20'], [createSetCommand(TTY)])
    assert.equal(code, 0)
    assert.equal(mock.dps['1'], true)
    assert.equal(mock.dps['2'], 20)
  })
})
