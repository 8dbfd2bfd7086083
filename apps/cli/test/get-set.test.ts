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

describe('tuya set: values and DPs a user can get wrong (issue 14, point 6)', () => {
  let mock: MockDevice
  let flags: string[]
  before(async () => {
    mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY, dps: { ...INITIAL } })
    flags = ['--host', '127.0.0.1', '--port', String(mock.port), '--id', ID, '--key', KEY, '--version', '3.3', '--timeout', '3']
  })
  after(() => mock.close())

  it('an empty value or a mis-cased true/false/null is refused before anything is sent', async () => {
    const cases: Array<[string, RegExp]> = [
      ['1=', /^tuya set: 1= has no value: write 1=true, 1=50, 1=white, or 1='""' for an empty string/],
      ['1=True', /^tuya set: 1=True is ambiguous: write 1=true for the JSON value, or 1='"True"' for the text/],
      ['1=FALSE', /1=FALSE is ambiguous: write 1=false/],
      ['3=Null', /3=Null is ambiguous: write 3=null/],
    ]
    for (const [assignment, message] of cases) {
      mock.setDps({ ...INITIAL }, { isSilent: true })
      const { code, err } = await runCli(['set', ...flags, assignment])
      assert.equal(code, 2, assignment)
      assert.equal(err.length, 1, err.join('\n'))
      assert.match(err[0]!, message)
      assert.deepEqual(mock.dps, INITIAL, 'nothing was set')
    }
    const text = await runCli(['set', ...flags, '3="True"', '4=""', '--json'])
    assert.equal(text.code, 0, text.err.join('\n'))
    assert.deepEqual([mock.dps['3'], mock.dps['4']], ['True', ''], 'quoted, they are texts')
  })

  it('a DP the device does not have is called out, not blamed on a quiet device', async () => {
    mock.setDps({ ...INITIAL }, { isSilent: true })
    const human = await runCli(['set', ...flags, '99=true'])
    assert.equal(human.code, 0, human.err.join('\n'))
    assert.equal(mock.dps['99'], undefined, 'the mock dropped it, as devices do')
    assert.equal(human.out.length, 1, human.out.join('\n'))
    assert.match(human.out[0]!, /acknowledged 99=true, but its status has no DP 99 \(its DPs: 1, 2, 3, 4\), so it probably ignored it: check the DP id/)
    assert.doesNotMatch(human.out.join('\n'), /stay quiet/)
    const json = await runCli(['set', ...flags, '--dps', '{"1":true,"98":1}', '--json'])
    assert.equal(json.code, 0)
    assert.deepEqual(JSON.parse(json.out[0]!), { dps: { '1': true } })
    assert.equal(json.err.length, 1)
    assert.match(json.err[0]!, /^tuya set: .*no DP 98 /)
  })
})
