/**
 * `ConnectionError.failure` and the `OfflineError` reasons that say why a command did not wait
 * for another attempt: each factory of the engine sets its value, constructors validate it, and
 * a handle (memory transport, fake clock) reports the right one end to end.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { closedWhileConnecting, connectionEnded, connectTimeout, expiredUnsent, heartbeatMissed, lostAfterWrite, offline, openFailed, outOfSync } from '../src/core/failures.ts'
import { handshakeFailure } from '../src/core/session-errors.ts'
import {
  ConnectionError,
  ConnectionLostError,
  createDevice,
  memoryTransport,
  OfflineError,
  tcpConnector,
  VersionNotFoundError,
  WrongKeyError,
  type ConnectionFailure,
  type Connector,
  type DeviceOptions,
  type ProtocolVersion,
} from '../src/index.ts'
import { FakeClock, memoryMock } from './helpers/memory.ts'
import { ID, KEY, settle } from './helpers/setup.ts'
import { createMockDevice, type MockFaults } from '@tuya/mock'

const DEV = 'dev1'
const socketError = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })

describe('ConnectionError.failure: the factories', () => {
  it('each connection failure the engine builds names itself', () => {
    const stage = { isOpen: true, version: '3.4', hasProvenKey: true, timeoutMs: 600 }
    const cases: Array<[Error, ConnectionFailure]> = [
      [openFailed(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), DEV), 'refused'],
      [openFailed(Object.assign(new Error('getaddrinfo ENOTFOUND lamp.home'), { code: 'ENOTFOUND' }), DEV), 'unresolvable'],
      [openFailed(Object.assign(new Error('getaddrinfo EAI_AGAIN lamp.home'), { code: 'EAI_AGAIN' }), DEV), 'unresolvable'],
      [openFailed(Object.assign(new Error('Requires net access to "10.0.0.5:6668"'), { name: 'NotCapable' }), DEV), 'permission-denied'],
      [openFailed(Object.assign(new Error('connect EACCES'), { code: 'EACCES' }), DEV), 'permission-denied'],
      [openFailed(Object.assign(new Error('connect EHOSTUNREACH'), { code: 'EHOSTUNREACH' }), DEV), 'open-failed'],
      [openFailed(new ConnectionError('TCP connect to 10.0.0.5:6668 timed out after 600 ms', { failure: 'open-timeout' }), DEV), 'open-timeout'],
      [connectTimeout({ ...stage, isOpen: false }, DEV), 'open-timeout'],
      [closedWhileConnecting(true, undefined, DEV), 'closed-while-probing'],
      [closedWhileConnecting(true, socketError, DEV), 'closed-while-probing'],
      [closedWhileConnecting(false, undefined, DEV), 'closed-while-connecting'],
      [handshakeFailure(new Error('session broke'), '3.5', DEV), 'handshake-failed'],
      [connectTimeout(stage, DEV), 'handshake-timeout'],
      [connectionEnded(undefined, DEV), 'closed-while-online'],
      [connectionEnded(socketError, DEV), 'socket-error'],
      [heartbeatMissed(300, DEV), 'heartbeat-missed'],
      [outOfSync(3, new Error('bad crc'), DEV), 'out-of-sync'],
    ]
    for (const [error, failure] of cases) {
      assert.ok(error instanceof ConnectionError, error.message)
      assert.equal(error.failure, failure, error.message)
      assert.equal(error.deviceId, DEV)
    }
  })

  it('the configuration errors of the connect deadline carry no failure: their class says it', () => {
    const auto = connectTimeout({ isOpen: true, version: undefined, hasProvenKey: false, timeoutMs: 600 }, DEV)
    const silent = connectTimeout({ isOpen: true, version: '3.4', hasProvenKey: false, timeoutMs: 600 }, DEV)
    assert.ok(auto instanceof VersionNotFoundError && auto.failure === undefined)
    assert.ok(silent instanceof WrongKeyError && silent.failure === undefined && silent.reason === 'silent')
  })

  it('an OfflineError or ConnectionLostError tells how the connection it waited for (or lost) failed', () => {
    const closed = closedWhileConnecting(true, undefined, DEV)
    for (const reason of ['connection-failed', 'no-reconnect'] as const) {
      const error = offline(closed, reason, DEV)
      assert.equal(error.reason, reason)
      assert.equal(error.failure, 'closed-while-probing')
      assert.equal(error.cause, closed)
    }
    const expired = expiredUnsent(false, 1000, heartbeatMissed(300, DEV), DEV)
    assert.ok(expired instanceof OfflineError && expired.reason === 'deadline' && expired.failure === 'heartbeat-missed')
    const lost = lostAfterWrite(connectionEnded(undefined, DEV), DEV)
    assert.ok(lost instanceof ConnectionLostError)
    assert.equal(lost.failure, 'closed-while-online')
    assert.equal((expiredUnsent(false, 1000, undefined, DEV) as OfflineError).failure, undefined, 'no attempt failed yet')
  })
})

describe('ConnectionError.failure: the constructors', () => {
  it('is optional: undefined when not given, given or taken from a ConnectionError cause otherwise', () => {
    assert.equal(new ConnectionError('x').failure, undefined)
    assert.equal(new ConnectionError('x', { cause: new Error('not a connection error') }).failure, undefined)
    assert.equal(new ConnectionError('x', { failure: 'out-of-sync' }).failure, 'out-of-sync')
    const cause = new ConnectionError('y', { failure: 'socket-error' })
    assert.equal(new ConnectionError('x', { cause }).failure, 'socket-error')
    assert.equal(new ConnectionError('x', { cause, failure: 'heartbeat-missed' }).failure, 'heartbeat-missed', 'a given failure wins')
    const offlineError = new OfflineError('x', { reason: 'no-reconnect', cause })
    assert.equal(offlineError.reason, 'no-reconnect')
    assert.equal(offlineError.failure, 'socket-error')
    assert.equal(new OfflineError('x', { reason: 'disconnected' }).failure, undefined)
  })

  it('an unknown failure (a JavaScript caller) is a TypeError naming the option', () => {
    assert.throws(() => new ConnectionError('x', { failure: 'gone' as never }), { name: 'TypeError', message: /^options\.failure must be one of refused, unresolvable, permission-denied, open-failed, .*out-of-sync, got 'gone'$/ })
    assert.throws(() => new ConnectionError('x', { failure: 42 as never }), { name: 'TypeError', message: /^options\.failure must be one of .*, got 42$/ })
    assert.throws(() => new OfflineError('x', { reason: 'deadline', failure: 'closed' as never }), { name: 'TypeError', message: /^options\.failure must be one of/ })
    assert.throws(() => new ConnectionLostError('x', { failure: 'connection-failed' as never }), TypeError, "an OfflineReason is not a failure")
    assert.throws(() => new OfflineError('x', { reason: 'open-failed' as never }), { name: 'TypeError', message: /^options\.reason must be one of deadline, fail-fast, connection-failed, no-reconnect, disconnected, connect-timeout, refused, unresolvable, permission-denied, got 'open-failed'$/ })
  })
})

function setup(deviceVersion: ProtocolVersion | 'auto', mockVersion: ProtocolVersion, options: Partial<DeviceOptions> = {}, faults: MockFaults = {}) {
  const clock = new FakeClock()
  const mock = memoryMock({ version: mockVersion, id: ID, localKey: KEY, dps: { '1': false }, faults }, clock)
  const device = createDevice({
    id: ID, key: KEY, host: 'memory', version: deviceVersion, transport: mock.connector, now: clock.now, setTimer: clock.setTimer, jitter: () => 0,
    connectTimeoutMs: 600, heartbeatIntervalMs: 10_000, heartbeatTimeoutMs: 5000, settleMs: 300, reconnect: { initialDelayMs: 100, jitter: 0 },
    ...options,
  })
  const failures: Array<ConnectionFailure | undefined> = []
  device.addEventListener('error', (e) => failures.push((e.detail.error as ConnectionError).failure))
  device.addEventListener('disconnected', (e) => {
    if (e.detail.error !== undefined) failures.push((e.detail.error as ConnectionError).failure)
  })
  return { clock, mock, device, failures }
}

describe('engine: why a queued command did not wait, and how the connection failed', () => {
  it('reconnect: false rejects the waiting commands at the first failure; a refusal names itself in reason; no second attempt', async () => {
    const { clock, mock, device } = setup('3.3', '3.3', { reconnect: false })
    mock.isRefusing = true
    const plain = settle(device.status({ timeoutMs: 5000 }))
    const fast = settle(device.status({ timeoutMs: 5000, failFast: true }))
    await clock.advance(0)
    const [p, f] = [await plain, await fast]
    assert.ok(p.error instanceof OfflineError, `got ${String(p.error)}`)
    assert.ok(f.error instanceof OfflineError, `got ${String(f.error)}`)
    for (const error of [p.error, f.error]) {
      assert.equal(error.reason, 'refused', 'not no-reconnect / connection-failed: the refusal is what to act on')
      assert.equal(error.failure, 'refused')
    }
    assert.equal(device.connectionState, 'idle')
    await clock.advance(5000)
    assert.equal(mock.attempts.length, 1, 'nothing tries again by itself')
    mock.isRefusing = false
    const again = device.status()
    await clock.advance(0)
    assert.deepEqual(await again, { '1': false }, 'the next command starts a new attempt')
    await device.close()
  })

  it('connect() with reconnect: false rejects at the first failed attempt (no-reconnect), not at its deadline', async () => {
    const { clock, mock, device } = setup('3.3', '3.3', { reconnect: false })
    mock.isRefusing = true
    const started = clock.now()
    let rejectedAt: number | undefined
    const connecting = settle(device.connect({ timeoutMs: 5000 }).finally(() => (rejectedAt = clock.now())))
    await clock.advance(0)
    await clock.advance(5000)
    const { error } = await connecting
    assert.ok(error instanceof OfflineError, `got ${String(error)}`)
    assert.equal(error.reason, 'refused', 'not connect-timeout: no other attempt was coming')
    assert.equal(error.failure, 'refused')
    assert.equal(rejectedAt, started, 'did not wait for timeoutMs')
    assert.equal(mock.attempts.length, 1)
    mock.isRefusing = false
    const again = device.connect({ timeoutMs: 5000 })
    await clock.advance(0)
    assert.equal((await again).version, '3.3', 'a later connect() tries again')
    await device.close()
  })

  it('with reconnects, only failFast commands give up (connection-failed); the others wait and are sent', async () => {
    const { clock, mock, device } = setup('3.3', '3.3')
    mock.isRefusing = true
    const plain = device.status({ timeoutMs: 5000 })
    const fast = settle(device.status({ timeoutMs: 5000, failFast: true }))
    await clock.advance(0)
    const f = await fast
    assert.ok(f.error instanceof OfflineError && f.error.reason === 'refused', `got ${String(f.error)}`)
    assert.equal(f.error.failure, 'refused')
    mock.isRefusing = false
    await clock.advance(100)
    assert.deepEqual(await plain, { '1': false })
    await device.close()
  })

  it("version: 'auto' reports a device that closes while probed as closed-while-probing; a set version as closed-while-connecting", async () => {
    for (const [version, failure] of [['auto', 'closed-while-probing'], ['3.4', 'closed-while-connecting']] as const) {
      const { clock, device, failures } = setup(version, '3.4', { reconnect: false }, { dropAfterFrames: 1 })
      const result = settle(device.status({ timeoutMs: 5000 }))
      await clock.advance(0)
      const { error } = await result
      assert.ok(error instanceof OfflineError, `${version}: got ${String(error)}`)
      assert.equal(error.reason, 'no-reconnect', version)
      assert.equal(error.failure, failure, version)
      assert.deepEqual(failures, [failure], `${version}: the error event carries it too`)
      await device.close()
    }
  })

  it('an online connection reports closed-while-online, then heartbeat-missed', async () => {
    const { clock, mock, device, failures } = setup('3.5', '3.5')
    const status = device.status()
    await clock.advance(0)
    await status
    mock.dropAll()
    await clock.advance(200)
    assert.equal(device.online, true, 'reconnected')
    mock.core.setFaults({ isSilent: true })
    await clock.advance(10_000 + 5000)
    assert.deepEqual(failures, ['closed-while-online', 'heartbeat-missed', 'heartbeat-missed'], 'remote close: disconnected only; heartbeat: disconnected and error')
    await device.close()
  })
})

describe('a wrapping connector that lost a handler', () => {
  it('{ ...handlers } fails the connect with a TypeError saying what to pass, on TCP and in memory', async () => {
    const mock = await createMockDevice({ version: '3.3', id: ID, localKey: KEY })
    try {
      for (const inner of [tcpConnector, memoryTransport(() => true)]) {
        // The mistake: the client's handlers are a class instance, so the spread copies no method.
        const spreading: Connector = (request, handlers) => inner(request, { ...handlers, onData: (bytes) => handlers.onData(bytes) })
        const device = createDevice({ id: ID, key: KEY, host: '127.0.0.1', port: mock.port, version: '3.3', reconnect: false, transport: spreading })
        const { error } = await settle(device.connect({ timeoutMs: 2000 }))
        assert.ok(error instanceof OfflineError, `got ${String(error)}`)
        const causes: unknown[] = []
        for (let e: unknown = error; e instanceof Error; e = e.cause) causes.push(e)
        const typeError = causes.find((e) => e instanceof TypeError) as TypeError | undefined
        assert.ok(typeError !== undefined, `a TypeError in the causes: ${causes.map(String).join(' <- ')}`)
        assert.match(typeError.message, /no onClose function: a wrapping connector must pass \{ onData, onClose \}/)
        await device.close()
      }
    } finally {
      await mock.close()
    }
  })
})
