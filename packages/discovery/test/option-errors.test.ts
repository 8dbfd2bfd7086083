/**
 * Bad options throw a RangeError or TypeError (never a TuyaError) that carries `option` (the
 * option's path) and `reason` (`invalid`, `missing`, `no-interface`), so callers such as the CLI
 * need not read the message. Every option checked by the package is covered here.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TuyaError } from '@tuya/crypto'
import {
  createDiscovery,
  decodeBeacon,
  DiscoveryBindError,
  DiscoveryCore,
  encodeSolicitation,
  findDevice,
  isDiscoveryOptionError,
  memoryTransport,
  scan,
  type DiscoveryOptionName,
  type DiscoveryOptionReason,
  type DiscoveryOptions,
} from '../src/index.ts'
import { deviceBeacon, manualClock } from './helpers.ts'

const from = { address: '192.168.1.50', port: 6667 }

/** A validator for assert.throws/rejects: the class, both fields, and a message that names the option. */
function optionError(kind: typeof RangeError | typeof TypeError, option: DiscoveryOptionName, reason: DiscoveryOptionReason = 'invalid') {
  return (error: unknown): true => {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`)
    assert.equal(error.name, kind.name)
    assert.ok(!(error instanceof TuyaError), 'a bad option is not a TuyaError')
    assert.ok(isDiscoveryOptionError(error), `no option fields on: ${error.message}`)
    assert.deepEqual({ option: error.option, reason: error.reason }, { option, reason }, error.message)
    assert.ok(error.message.includes(option.split('.').at(-1)!), `the message names ${option}: ${error.message}`)
    return true
  }
}

describe('option errors of createDiscovery', () => {
  const cases: Array<[string, DiscoveryOptions, typeof RangeError | typeof TypeError, DiscoveryOptionName, DiscoveryOptionReason?]> = [
    ['ports not an object', { ports: 7 as never }, TypeError, 'ports'],
    ['no port left', { ports: { plaintext: false, encrypted: false, replies: false } }, RangeError, 'ports'],
    ['ports.plaintext too large', { ports: { plaintext: 70000 } }, RangeError, 'ports.plaintext'],
    ['ports.encrypted negative', { ports: { encrypted: -1 } }, RangeError, 'ports.encrypted'],
    ['ports.replies fractional', { ports: { replies: 1.5 } }, RangeError, 'ports.replies'],
    ['solicit not an object', { solicit: 'yes' as never }, TypeError, 'solicit'],
    ['solicit.address not given', { solicit: {} as never }, RangeError, 'solicit.address', 'missing'],
    ['solicit.address not IPv4', { solicit: { address: 'broadcast' } }, RangeError, 'solicit.address'],
    ['solicit.port 0', { solicit: { address: '10.0.0.255', ip: '10.0.0.2', port: 0 } }, RangeError, 'solicit.port'],
    ['solicit.intervalMs too short', { solicit: { address: '10.0.0.255', ip: '10.0.0.2', intervalMs: 10 } }, RangeError, 'solicit.intervalMs'],
    ['solicit.ip not IPv4', { solicit: { address: '10.0.0.255', ip: 'me' } }, RangeError, 'solicit.ip'],
    // 203.0.113.0/24 is TEST-NET-3: no interface of a test machine is on it.
    ['no interface on the network of solicit.address', { solicit: { address: '203.0.113.255' } }, RangeError, 'solicit.ip', 'no-interface'],
    ['maxDatagramBytes 0', { maxDatagramBytes: 0 }, RangeError, 'maxDatagramBytes'],
    ['maxDevices fractional', { maxDevices: 2.5 }, RangeError, 'maxDevices'],
  ]
  for (const [name, options, kind, option, reason] of cases) {
    it(`${name}: ${kind.name} with option '${option}', reason '${reason ?? 'invalid'}'`, async () => {
      const net = memoryTransport()
      await assert.rejects(createDiscovery({ transport: net, clock: manualClock(), ...options }), optionError(kind, option, reason))
      assert.deepEqual(net.boundPorts, [], 'nothing stays bound')
      assert.deepEqual(net.sent, [], 'nothing is sent')
    })
  }

  it('the one-call functions throw the same errors', async () => {
    const net = memoryTransport()
    await assert.rejects(scan({ transport: net, timeoutMs: 10, ports: { plaintext: 99999 } }), optionError(RangeError, 'ports.plaintext'))
    await assert.rejects(findDevice('bf0123456789abcdefgh', { transport: net, timeoutMs: 10, solicit: { address: '203.0.113.255' } }), optionError(RangeError, 'solicit.ip', 'no-interface'))
    await assert.rejects(scan({ transport: net, timeoutMs: -5 }), optionError(RangeError, 'timeoutMs'))
    assert.deepEqual(net.boundPorts, [])
  })
})

describe('option errors of a running discovery', () => {
  it('scan, find and solicit name their option', async () => {
    const discovery = await createDiscovery({ transport: memoryTransport(), clock: manualClock() })
    try {
      assert.throws(() => discovery.scan({ timeoutMs: -1 }), optionError(RangeError, 'timeoutMs'))
      assert.throws(() => discovery.scan({ timeoutMs: Infinity }), optionError(RangeError, 'timeoutMs'))
      assert.throws(() => discovery.scan({ ids: 'abc' as unknown as string[] }), optionError(TypeError, 'ids'))
      assert.throws(() => discovery.scan({ ids: ['a', ''] }), optionError(TypeError, 'ids'))
      assert.throws(() => discovery.scan({ ids: [] }), optionError(RangeError, 'ids'))
      assert.throws(() => discovery.find('a', { timeoutMs: 1.5 }), optionError(RangeError, 'timeoutMs'))
      await assert.rejects(discovery.solicit(), optionError(TypeError, 'solicit', 'missing'))
    } finally {
      await discovery.close()
    }
  })
})

describe('option errors of the pure functions', () => {
  it('decodeBeacon, DiscoveryCore and encodeSolicitation name their option', () => {
    const beacon = deviceBeacon('55aa-ecb', { gwId: 'a', ip: '192.168.1.50', version: '3.3' })
    assert.throws(() => decodeBeacon(beacon, from, { maxDatagramBytes: 0 }), optionError(RangeError, 'maxDatagramBytes'))
    assert.throws(() => new DiscoveryCore({ maxDatagramBytes: -1 }), optionError(RangeError, 'maxDatagramBytes'))
    assert.throws(() => new DiscoveryCore({ maxDevices: 0 }), optionError(RangeError, 'maxDevices'))
    assert.throws(() => encodeSolicitation({ ip: '192.168.1.256' }), optionError(RangeError, 'ip'))
  })
})

describe('isDiscoveryOptionError', () => {
  it('is false for positional-argument errors and every other error', async () => {
    const caught = async (run: () => unknown): Promise<unknown> => {
      try {
        await run()
      } catch (error) {
        return error
      }
      assert.fail('did not throw')
    }
    const others = [
      await caught(() => findDevice('', { transport: memoryTransport() })),
      await caught(() => createDiscovery(null as never)),
      await caught(() => decodeBeacon(new Uint8Array(4), undefined as never)),
      await caught(() => encodeSolicitation(null as never)),
      new DiscoveryBindError(6667, '0.0.0.0', Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE' })),
      new RangeError('solicit.ip: no local interface is on the network of 10.0.0.255'),
      new Error('plain'),
      { option: 'solicit.ip', reason: 'no-interface', message: 'not an Error' },
      undefined,
    ]
    for (const error of others) assert.equal(isDiscoveryOptionError(error), false, String((error as Error | undefined)?.message))
    assert.ok(others[0] instanceof TypeError && others[1] instanceof TypeError && others[2] instanceof TypeError)
  })

  it('is true for an error of another copy of the package (the fields, not a class, decide)', () => {
    assert.equal(isDiscoveryOptionError(Object.assign(new RangeError('x'), { option: 'ports', reason: 'invalid' })), true)
    assert.equal(isDiscoveryOptionError(Object.assign(new TypeError('x'), { option: 'ids' })), false, 'reason is required')
  })
})
