/**
 * `tuya watch` against @tuya/mock on 127.0.0.1: the first status, pushes after mock.setDps,
 * surviving mock.restart() (the client reconnects), JSON lines, --duration, Ctrl-C, failures.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { createWatchCommand } from '../src/commands/watch.ts'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { KEY, runCli, startCli, until, WRONG_KEY } from './fixtures/device-cli.ts'

const ID = 'bf1234567890abcdefgh'

interface WatchLine {
  time: string
  type: string
  [field: string]: unknown
}

/** Runs the jq program of `tuya watch --help` over real output: it must print exactly the pushed DPs. */
function assertJqExampleSelectsPushes(jsonLines: readonly string[]): void {
  const example = createWatchCommand().examples.find((e) => e.includes('| jq '))
  const program = example === undefined ? undefined : /jq -c '([^']+)'/.exec(example)?.[1]
  assert.ok(program !== undefined, `a jq example in tuya watch --help: ${String(example)}`)
  const jq = spawnSync('jq', ['-c', program], { input: `${jsonLines.join('\n')}\n`, encoding: 'utf8' })
  if (jq.error !== undefined) {
    // No jq on this machine: check the example's selector by hand.
    const [, field, value] = /select\(\.(\w+) == "(\w+)"\)/.exec(program) ?? []
    const selected = jsonLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => field !== undefined && l[field] === value)
    assert.ok(selected.length > 0 && selected.every((l) => l['source'] === 'push'), program)
    return
  }
  assert.equal(jq.status, 0, jq.stderr)
  const pushes = jsonLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['source'] === 'push').map((l) => JSON.stringify(l['dps']))
  assert.ok(pushes.length >= 2)
  assert.deepEqual(jq.stdout.trim().split('\n'), pushes, `jq -c '${program}'`)
}

for (const version of ['3.3', '3.5'] as const) {
  describe(`tuya watch, protocol ${version}`, () => {
    let mock: MockDevice
    let flags: string[]
    before(async () => {
      mock = await createMockDevice({ version, id: ID, localKey: KEY, dps: { '1': false, '2': 50 } })
      flags = ['--host', '127.0.0.1', '--port', String(mock.port), '--id', ID, '--key', KEY, '--version', version, '--timeout', '3']
    })
    after(() => mock.close())

    it('--json: the first status, a push after setDps, a restart survived, until Ctrl-C; the help\'s jq example selects the pushes', async () => {
      const run = startCli(['watch', ...flags, '--json'])
      const lines = (): WatchLine[] => run.out.map((l) => JSON.parse(l) as WatchLine)
      try {
        await until(() => lines().some((l) => l.type === 'dps' && l['source'] === 'reply'), 'the first status')
        mock.setDps({ '1': true })
        await until(() => lines().some((l) => l.type === 'dps' && l['source'] === 'push'), 'the push')
        await mock.restart({ downtimeMs: 200 })
        await until(() => lines().some((l) => l.type === 'connected' && l['isReconnect'] === true), 'the reconnect')
        // 'connected' fires once the client has sent its last handshake frame; the device may not
        // have read it yet, and a 3.4/3.5 device pushes nothing before it has. The status reply
        // after the reconnect proves the device's side of the session is up.
        const reconnectedAt = lines().findIndex((l) => l.type === 'connected' && l['isReconnect'] === true)
        await until(() => lines().slice(reconnectedAt).some((l) => l.type === 'dps' && l['source'] === 'reply'), 'the status after the reconnect')
        mock.setDps({ '2': 99 })
        await until(() => lines().some((l) => l.type === 'dps' && l['source'] === 'push' && (l['dps'] as Record<string, unknown>)['2'] === 99), 'the push after the restart')
      } finally {
        run.stop()
      }
      assert.equal(await run.done, 0, run.err.join('\n'))
      const all = lines()
      for (const line of all) assert.ok(!Number.isNaN(Date.parse(line.time)), `ISO time in ${JSON.stringify(line)}`)
      const shapes = all.map(({ time: _time, ...rest }) => rest)
      assert.deepEqual(shapes.slice(0, 3), [
        { type: 'state', state: 'connecting' },
        { type: 'connected', version, isReconnect: false },
        { type: 'dps', source: 'reply', dps: { '1': false, '2': 50 } },
      ])
      assert.ok(shapes.some((s) => s.type === 'dps' && s['source'] === 'push' && JSON.stringify(s['dps']) === '{"1":true}'))
      const dropped = shapes.find((s) => s.type === 'disconnected')
      assert.ok(dropped !== undefined && dropped['willReconnect'] === true && typeof dropped['reason'] === 'string', JSON.stringify(dropped))
      assert.deepEqual(run.err, [], 'nothing on stderr with --json')
      assertJqExampleSelectsPushes(run.out)
    })

    it('prints time, source and the changed DPs for people, and stops after --duration', async () => {
      const started = Date.now()
      const run = startCli(['watch', ...flags, '--duration', '1'])
      await until(() => run.out.some((l) => /\breply\b/.test(l)), 'the first status')
      mock.setDps({ '1': false })
      const code = await run.done
      assert.equal(code, 0)
      assert.ok(Date.now() - started >= 900)
      assert.match(run.out[0]!, new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  connecting  127\\.0\\.0\\.1:${mock.port}$`))
      assert.match(run.out[1]!, new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  online      protocol ${version.replace('.', '\\.')}$`))
      assert.match(run.out[2]!, /^\d\d:\d\d:\d\d\.\d{3} {2}reply {7}1=\w+ 2=\d+$/)
      assert.match(run.out.join('\n'), /push {8}1=false/)
      assert.deepEqual(run.err, [`tuya watch: watching ${ID} at 127.0.0.1:${mock.port} for 1 s`, 'tuya watch: stopped'])
    })
  })
}

describe('tuya watch failures', () => {
  let mock: MockDevice
  before(async () => {
    mock = await createMockDevice({ version: '3.4', id: ID, localKey: KEY })
  })
  after(() => mock.close())

  it('a wrong key ends it with one line and exit code 1', async () => {
    const { code, err } = await runCli(['watch', '--host', '127.0.0.1', '--port', String(mock.port), '--id', ID, '--key', WRONG_KEY, '--version', '3.4', '--timeout', '1', '--json'])
    assert.equal(code, 1)
    assert.equal(err.length, 1, err.join('\n'))
    assert.match(err[0]!, /^tuya watch: no answer from 127\.0\.0\.1:\d+ within (0\.9|1(\.\d)?) s: the local key or the version is wrong/)
  })

  it('usage errors exit 2', async () => {
    const bad = await runCli(['watch', '--host', '127.0.0.1', '--id', ID, '--key', KEY, '--duration', '0'])
    assert.equal(bad.code, 2)
    assert.match(bad.err[0]!, /--duration must be a number of seconds above 0/)
    const none = await runCli(['watch'])
    assert.equal(none.code, 2)
  })
})
