/**
 * How the discovery commands report a bad discovery option: from the `option`/`reason` fields of
 * @tuya/discovery's RangeError/TypeError (isDiscoveryOptionError), never from its message, and
 * with the same one line as before (`--broadcast` on a network this machine is not on).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createDiscovery, listBroadcastAddresses, memoryTransport, type DiscoveryOptions } from '@tuya/discovery'
import { UsageError } from '../src/args.ts'
import { discoveryUsageError } from '../src/discovery-flags.ts'
import { discoveryPorts, KEY, runCli, tempDir } from './fixtures/device-cli.ts'

// 203.0.113.0/24 is TEST-NET-3 (RFC 5737): no interface of this machine is on it, so resolving
// the solicitation fails before any socket is opened and nothing is sent.
const NOWHERE = '203.0.113.255'
const NO_INTERFACE = '--broadcast: no local interface is on that network; use the broadcast address of a network this machine is on'

async function thrownBy(options: DiscoveryOptions): Promise<unknown> {
  try {
    const discovery = await createDiscovery({ transport: memoryTransport(), ...options })
    await discovery.close()
  } catch (error) {
    return error
  }
  return assert.fail('createDiscovery did not throw')
}

function assertNoInterfaceHere(): void {
  const on = listBroadcastAddresses().filter((i) => i.address.startsWith('203.0.113.'))
  assert.deepEqual(on, [], 'this machine is on TEST-NET-3: the test would send a solicitation there')
}

describe('discoveryUsageError', () => {
  it('maps the option errors of @tuya/discovery to the flag, as before', async () => {
    assertNoInterfaceHere()
    const noInterface = discoveryUsageError(await thrownBy({ solicit: { address: NOWHERE } }))
    assert.ok(noInterface instanceof UsageError)
    assert.equal(noInterface.message, NO_INTERFACE)
    const address = await thrownBy({ solicit: { address: 'everyone' } })
    assert.equal(discoveryUsageError(address)?.message, `--broadcast: ${(address as Error).message}`)
    const port = await thrownBy({ solicit: { address: '127.0.0.1', port: 0 } })
    assert.equal(discoveryUsageError(port)?.message, `--broadcast: ${(port as Error).message}`)
    const ports = await thrownBy({ ports: { plaintext: 70000 } })
    assert.equal(discoveryUsageError(ports)?.message, `--port-plain/--port-encrypted/--port-replies: ${(ports as Error).message}`)
    assert.match((ports as Error).message, /^ports\.plaintext must be an integer port 0\.\.65535, got 70000$/)
  })

  it('reads the fields, not the message', () => {
    const reworded = Object.assign(new RangeError('cannot choose an address for the answers'), { option: 'solicit.ip', reason: 'no-interface' })
    assert.equal(discoveryUsageError(reworded)?.message, NO_INTERFACE)
    const renamedPorts = Object.assign(new TypeError('the listening ports must be an object'), { option: 'ports', reason: 'invalid' })
    assert.equal(discoveryUsageError(renamedPorts)?.message, '--port-plain/--port-encrypted/--port-replies: the listening ports must be an object')
    // A message that merely looks like an option error is not one.
    assert.equal(discoveryUsageError(new RangeError('solicit.ip: no local interface is on the network of 10.0.0.255')), undefined)
    assert.equal(discoveryUsageError(new RangeError('ports.plaintext must be an integer port 0..65535, got 70000')), undefined)
  })

  it('leaves other errors alone', async () => {
    const timeout = Object.assign(new RangeError('options.timeoutMs must be a non-negative integer'), { option: 'timeoutMs', reason: 'invalid' })
    assert.equal(discoveryUsageError(timeout), undefined)
    assert.equal(discoveryUsageError(await thrownBy({ maxDevices: 0 })), undefined)
    assert.equal(discoveryUsageError(new Error('solicit failed')), undefined)
    assert.equal(discoveryUsageError(undefined), undefined)
  })
})

describe('--broadcast on a network this machine is not on', () => {
  it('tuya scan: exit 2 and one line naming --broadcast', async () => {
    assertNoInterfaceHere()
    const udp = await discoveryPorts()
    // No --bind: with a bound address that address would answer, and nothing would fail.
    const ports = udp.flags.slice(2)
    assert.equal(ports[0], '--port-plain')
    const { code, out, err } = await runCli(['scan', '--timeout', '0.2', ...ports, '--broadcast', NOWHERE])
    assert.equal(code, 2, err.join('\n'))
    assert.deepEqual(out, [])
    assert.deepEqual(err, [`tuya scan: ${NO_INTERFACE} (see tuya scan --help)`])
  })

  it('tuya get of a device without an ip: the same line after the search notice', async () => {
    assertNoInterfaceHere()
    const udp = await discoveryPorts()
    const dir = tempDir()
    try {
      const file = dir.write('devices.json', [{ name: 'Desk bulb', id: 'bf3535353535353535cc', key: KEY }])
      const { code, out, err } = await runCli(['get', 'Desk bulb', '--devices', file, '--timeout', '0.2', ...udp.flags.slice(2), '--broadcast', NOWHERE])
      assert.equal(code, 2, err.join('\n'))
      assert.deepEqual(out, [])
      assert.equal(err.at(-1), `tuya get: ${NO_INTERFACE} (see tuya get --help)`)
    } finally {
      dir.remove()
    }
  })
})
