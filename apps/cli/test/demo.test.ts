import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { main } from '../src/cli.ts'

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), signal: new AbortController().signal })
  return { code, out, err }
}

describe('tuya demo', () => {
  it('runs the narrated tour to its summary, with nothing lost', async () => {
    const started = Date.now()
    const { code, out, err } = await run(['demo', '--no-color'])
    assert.equal(code, 0, err.join('\n'))
    const text = out.join('\n')
    for (const step of ['1. Start simulated devices', '2. Find them on the network', '3. Connect, negotiate, read status', '4. Control', "5. Someone presses the plug's button", '6. The bulb restarts', '7. Everything on an MQTT broker', '8. Summary']) {
      assert.ok(text.includes(step), `missing step: ${step}`)
    }
    assert.match(text, /4 of 4 devices found/)
    assert.match(text, /answered the solicitation/)
    assert.match(text, /protocol 3\.5, session key negotiated/)
    assert.match(text, /switched to the device22 dialect/)
    assert.match(text, /child a4c1380f4cd8e7c3 \{"1":true,"2":21\}/)
    assert.match(text, /push \{"1":false\}/)
    assert.match(text, /the command sent while offline was delivered: \{"21":"colour"\}/)
    assert.match(text, /Home Assistant discovery: switch_1 \(switch\), cur_power \(sensor\)/)
    assert.match(text, /the result: \{"topic":"tuya\/bf5e2a7c9d1b3f4e6a80\/set","ok":true,"id":"demo-1","dps":\{"1":true\}\}/)
    assert.match(text, /4 devices discovered, 4 connected, 10 commands answered, \d+ pushes received, 1 reconnect, 0 commands lost/)
    assert.doesNotMatch(text, /\x1b\[/, 'no colours when asked not to')
    assert.ok(Date.now() - started < 60_000, 'the demo must finish in under a minute')
  })

  it('--json prints the summary only', async () => {
    const { code, out } = await run(['demo', '--json'])
    assert.equal(code, 0)
    assert.equal(out.length, 1)
    const summary = JSON.parse(out[0]!)
    assert.deepEqual({ ...summary, pushes: 0 }, { discovered: 4, connected: 4, commands: 10, pushes: 0, reconnects: 1, lost: 0 })
  })

  it('rejects stray arguments with exit code 2', async () => {
    const { code, err } = await run(['demo', 'extra'])
    assert.equal(code, 2)
    assert.match(err.join('\n'), /unexpected argument 'extra'/)
  })
})
