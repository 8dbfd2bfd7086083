/**
 * `tuya scan` against @tuya/mock beacons sent to the scan's free ports on 127.0.0.1: plain
 * rows, JSON lines, the live table on a terminal, names and keys from devices.json, the 3.5
 * solicitation only with --broadcast, and its errors.
 */
import assert from 'node:assert/strict'
import { createSocket, type Socket } from 'node:dgram'
import { after, before, describe, it } from 'node:test'
import { createMockDevice, type MockDevice } from '@tuya/mock'
import { createScanCommand } from '../src/commands/scan.ts'
import { discoveryPorts, freeUdpPort, hasAnsi, KEY, runCli, stripAnsi, tempDir, TTY } from './fixtures/device-cli.ts'

const PLAIN = 'bf3131313131313131aa'
const LAMP = 'bf3333333333333333bb'
const BULB = 'bf3535353535353535cc'

describe('tuya scan', () => {
  const dir = tempDir()
  let udp: Awaited<ReturnType<typeof discoveryPorts>>
  let devices: MockDevice[] = []
  let bulb: MockDevice
  let file: string
  let solicitations = 0

  before(async () => {
    udp = await discoveryPorts()
    devices = [
      await createMockDevice({ version: '3.1', id: PLAIN, localKey: KEY, beacon: { address: '127.0.0.1', port: udp.plaintext, intervalMs: 100 } }),
      await createMockDevice({ version: '3.3', id: LAMP, localKey: KEY, beacon: { address: '127.0.0.1', port: udp.encrypted, intervalMs: 100 } }),
    ]
    bulb = await createMockDevice({ version: '3.5', id: BULB, localKey: KEY, beacon: { address: '127.0.0.1', port: udp.encrypted, intervalMs: 0, solicitationPort: 0, replyPort: udp.replies } })
    bulb.addEventListener('solicitation', () => solicitations++)
    devices.push(bulb)
    file = dir.write('devices.json', [
      { name: 'Living room lamp', id: LAMP, key: KEY, ip: '192.168.1.50', version: '3.3' },
      { name: 'Desk bulb', id: BULB, key: '' },
      { name: 'Kitchen plug', id: 'bf9999999999999999zz', key: KEY },
      { name: 'Door sensor', id: 'bf4444444444444444ds', node_id: 'a4c1380f4cd8e7b2', parent: LAMP, sub: true },
    ])
  })
  after(async () => {
    await Promise.all(devices.map((d) => d.close()))
    dir.remove()
  })

  it('lists beaconing devices as plain rows with names from devices.json, and sends nothing', async () => {
    const before = solicitations
    const { code, out, err } = await runCli(['scan', '--timeout', '0.6', '--devices', file, ...udp.flags])
    assert.equal(code, 0, err.join('\n'))
    assert.match(out[0]!, /^NAME {2,}ID {2,}IP {2,}VER {2}PRODUCT KEY {7}KEY$/)
    const rows = out.slice(1)
    assert.equal(rows.length, 2, out.join('\n'))
    const lamp = rows.find((r) => r.includes(LAMP))!
    assert.match(lamp, /^Living room lamp {2,}bf3333333333333333bb {2,}127\.0\.0\.1 {2,}3\.3 {2}keymockdev000001 {2}yes {2}\(gateway, 1 sub-device\)$/)
    assert.match(rows.find((r) => r.includes(PLAIN))!, /^\(not in devices\.json\) {2,}bf3131313131313131aa {2,}127\.0\.0\.1 {2,}3\.1 .* no$/)
    assert.ok(!out.some(hasAnsi))
    assert.match(err[0]!, /^tuya scan: listening on UDP \d+, \d+, \d+ \(passive: nothing is sent\)$/)
    assert.match(err.join('\n'), /tuya scan: 2 devices found in 0\.\d s \(1 named from devices\.json\)/)
    assert.match(err.join('\n'), /not seen from devices\.json: "Desk bulb", "Kitchen plug"/)
    assert.equal(solicitations, before, 'no solicitation without --broadcast')
  })

  it('--json prints one object per device as it appears; keys only with --show-keys', async () => {
    const { code, out } = await runCli(['scan', '--timeout', '0.6', '--json', '--devices', file, ...udp.flags])
    assert.equal(code, 0)
    const lines = out.map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.deepEqual(lines.map((l) => l['id']).sort(), [LAMP, PLAIN].sort())
    const lamp = lines.find((l) => l['id'] === LAMP)!
    assert.deepEqual(Object.keys(lamp), ['change', 'id', 'name', 'ip', 'version', 'productKey', 'isEncrypted', 'hasKey', 'subdevices', 'source', 'hasIpMismatch', 'firstSeen'])
    assert.deepEqual({ ...lamp, source: 'x', firstSeen: 'x' }, { change: 'new', id: LAMP, name: 'Living room lamp', ip: '127.0.0.1', version: '3.3', productKey: 'keymockdev000001', isEncrypted: true, hasKey: true, subdevices: 1, source: 'x', hasIpMismatch: false, firstSeen: 'x' })
    assert.match(lamp['source'] as string, /^127\.0\.0\.1:\d+$/)
    assert.ok(!Number.isNaN(Date.parse(lamp['firstSeen'] as string)))
    assert.equal(lines.find((l) => l['id'] === PLAIN)!['name'], null)
    assert.ok(!out.join('').includes(KEY), 'no key without --show-keys')
    const shown = await runCli(['scan', '--timeout', '0.4', '--json', '--show-keys', '--devices', file, ...udp.flags])
    assert.equal(shown.out.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['id'] === LAMP)!['key'], KEY)
  })

  it('--broadcast ADDR asks silent 3.5 devices, and only ADDR', async () => {
    const before = solicitations
    const { code, out, err } = await runCli(['scan', '--timeout', '0.6', '--json', '--devices', file, ...udp.flags, '--broadcast', '127.0.0.1', '--broadcast-port', String(bulb.solicitationPort)])
    assert.equal(code, 0, err.join('\n'))
    const found = out.map((l) => JSON.parse(l) as Record<string, unknown>)
    assert.deepEqual(found.find((l) => l['id'] === BULB), { ...found.find((l) => l['id'] === BULB), name: 'Desk bulb', version: '3.5', hasKey: false })
    assert.equal(found.length, 3)
    assert.ok(solicitations > before)
    assert.match(err[0]!, /asking 3\.5 devices at 127\.0\.0\.1$/)
  })

  it('draws a live table on a terminal: colours, a spinner and the count, redrawn in place', async () => {
    const { code, out } = await runCli(['scan', '--timeout', '0.6', '--devices', file, ...udp.flags], [createScanCommand(TTY)])
    assert.equal(code, 0)
    const text = out.join('\n')
    assert.ok(hasAnsi(text))
    assert.match(out[1]!, /⠋.*0 devices.* · listening on UDP .* · 1 s left · Ctrl-C stops$/)
    assert.match(text, /\x1b\[1A\x1b\[2K.*Living room lamp/)
    assert.match(text, /2 devices/)
    assert.match(out.at(-2)!, /^\x1b\[1A\x1b\[2K2 devices found in 0\.\d s \(1 named from devices\.json\)$/)
  })

  it('cuts the redrawn line to a narrow terminal, so it never wraps', async () => {
    const { code, out } = await runCli(['scan', '--timeout', '0.3', ...udp.flags], [createScanCommand({ ...TTY, columns: () => 40 })])
    assert.equal(code, 0)
    const status = out.filter((l) => l.includes('Ctrl-C') || l.includes('…')).map((l) => [...stripAnsi(l.split('\n').at(-1)!)].length)
    assert.ok(status.length > 0)
    assert.ok(status.every((n) => n <= 39), `status widths ${status.join(', ')}`)
  })

  it('--timeout 0 runs until Ctrl-C', async () => {
    const controller = new AbortController()
    const { main } = await import('../src/cli.ts')
    const out: string[] = []
    const done = main(['scan', '--timeout', '0', '--json', ...udp.flags], { out: (l) => out.push(l), err: () => {}, signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 500))
    controller.abort()
    assert.equal(await done, 0)
    assert.ok(out.length >= 2)
  })

  it('says when nothing was found', async () => {
    const quiet = await discoveryPorts()
    const { code, out, err } = await runCli(['scan', '--timeout', '0.2', ...quiet.flags])
    assert.equal(code, 0)
    assert.equal(out.length, 1, 'the header only')
    // The time that passed: at least the timeout; more on a busy machine.
    const said = /no devices found in (\d+\.\d) s: .*\(--broadcast 192\.168\.1\.255\)$/.exec(err.at(-1)!)
    assert.ok(said, err.at(-1))
    assert.ok(Number(said[1]) >= 0.2 && Number(said[1]) < 5, said[1])
  })

  it('a port held by another program is one line and exit code 1', async () => {
    const port = await freeUdpPort()
    const holder: Socket = createSocket({ type: 'udp4', reuseAddr: false })
    await new Promise<void>((resolve) => holder.bind(port, '127.0.0.1', () => resolve()))
    try {
      const { code, err } = await runCli(['scan', '--timeout', '0.2', '--bind', '127.0.0.1', '--port-plain', String(port), '--port-encrypted', String(udp.encrypted), '--port-replies', String(udp.replies)])
      assert.equal(code, 1)
      assert.equal(err.length, 1)
      assert.match(err[0]!, new RegExp(`^tuya scan: cannot listen on UDP 127\\.0\\.0\\.1:${port}.*: .*choose another port with the --port-\\* flags$`))
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()))
    }
  })

  it('usage errors exit 2 with one line', async () => {
    for (const [argv, pattern] of [
      [['scan', 'extra'], /unexpected argument 'extra'/],
      [['scan', '--timeout', '-1'], /--timeout must be a number of seconds from 0/],
      [['scan', '--broadcast', '255.255.255.256'], /--broadcast must be an IPv4 address/],
      [['scan', '--broadcast-port', '7000'], /--broadcast-port needs --broadcast ADDR/],
      [['scan', '--port-plain', '99999'], /--port-plain must be an integer from 0 to 65535/],
    ] as const) {
      const { code, err } = await runCli([...argv])
      assert.equal(code, 2, err.join('\n'))
      assert.equal(err.length, 1)
      assert.match(err[0]!, pattern)
    }
  })
})
