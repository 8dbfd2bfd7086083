/**
 * describeFailure reads the client's typed reasons: a proven wrong key versus a silent device,
 * and an OfflineError after the whole --timeout versus one after a single failed attempt (or
 * disconnect()), and how the connection failed (`failure`: closed by the device, while probing or
 * not). The network cases are pinned end to end in get-set-failures.test.ts; these cover the
 * reasons the CLI cannot reach through its own flags.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConnectionError, OfflineError, VersionNotFoundError, WrongKeyError, WrongVersionError } from '@tuya/client'
import { describeFailure, type FailureContext } from '../src/device-failure.ts'

const CTX: FailureContext = { label: 'Lamp', host: '192.168.1.50', port: 6668, version: '3.3', timeoutMs: 2000, cid: undefined }
const WHERE = '192.168.1.50:6668'
const WHERE_RE = WHERE.replace(/\./g, '\\.')

describe('describeFailure and the client reasons', () => {
  it('a proven wrong key says so; a silent one says "probably", whatever the cause', () => {
    for (const reason of ['handshake-proof', 'undecryptable'] as const) {
      assert.match(describeFailure(new WrongKeyError('x', { reason }), CTX), /^the local key is wrong: Lamp at 192\.168\.1\.50:6668 does not accept it; /, reason)
    }
    const silent = new WrongKeyError('x', { reason: 'silent', cause: new Error('anything') })
    assert.match(describeFailure(silent, CTX), new RegExp(`^no answer from ${WHERE_RE} within 2 s: the local key or the version is wrong`))
  })

  it('states the time that passed, not the --timeout', () => {
    const silent = new WrongKeyError('x', { reason: 'silent' })
    assert.match(describeFailure(silent, { ...CTX, timeoutMs: 10_000, elapsedMs: 5150 }), new RegExp(`^no answer from ${WHERE_RE} within 5\\.2 s: `))
    assert.match(describeFailure(new VersionNotFoundError('x'), { ...CTX, timeoutMs: 10_000, elapsedMs: 5150 }), /within 5\.2 s in any protocol version/)
    assert.match(describeFailure(new OfflineError('x', { reason: 'deadline' }), { ...CTX, timeoutMs: 10_000, elapsedMs: 10_020 }), /within 10 s: /)
  })

  it('a wrong version names the version the device showed, when it showed one', () => {
    assert.equal(describeFailure(new WrongVersionError('x', { seenVersion: '3.3' }), { ...CTX, version: '3.1' }), `Lamp at ${WHERE} speaks protocol 3.3, not 3.1: pass --version 3.3 (or --version auto)`)
    assert.equal(describeFailure(new WrongVersionError('x'), { ...CTX, version: '3.1' }), `Lamp at ${WHERE} does not speak protocol 3.1: pass the right --version, or --version auto`)
  })

  it('refused, unresolvable and permission-denied read the failure', () => {
    const failed = (failure: 'refused' | 'unresolvable' | 'permission-denied', message: string) => new OfflineError(message, { reason: failure, cause: new ConnectionError(message, { failure }) })
    assert.match(describeFailure(failed('refused', 'connect ECONNREFUSED'), CTX), new RegExp(`^${WHERE_RE} refused the connection: nothing listens there`))
    assert.match(describeFailure(failed('unresolvable', 'getaddrinfo ENOTFOUND'), { ...CTX, host: 'lamp.home' }), /^cannot resolve lamp\.home: check the address$/)
    assert.equal(describeFailure(failed('permission-denied', 'Requires net access to "192.168.1.50:6668"'), CTX), `no permission to connect to ${WHERE} (Requires net access to "192.168.1.50:6668"): on Deno, run with --allow-net`)
  })

  it('an OfflineError names the whole --timeout only when it waited that long', () => {
    const attempt = new ConnectionError('could not connect within 600 ms; retrying with backoff')
    for (const reason of ['deadline', 'connect-timeout'] as const) {
      assert.equal(describeFailure(new OfflineError('x', { reason, cause: attempt }), CTX), `no answer from ${WHERE} within 2 s: check the address, the version, and that no other app holds the device's single connection`, reason)
    }
    for (const reason of ['fail-fast', 'connection-failed', 'no-reconnect'] as const) {
      assert.equal(describeFailure(new OfflineError('x', { reason, cause: attempt }), CTX), `${WHERE} is offline (the last connection attempt failed: could not connect within 600 ms); check the address, the version, and that no other app holds the device's single connection`, reason)
    }
    assert.equal(describeFailure(new OfflineError('disconnect() was called', { reason: 'disconnected' }), CTX), `the connection to ${WHERE} was closed before the command was sent`)
  })

  it('a closed connection names the --timeout only after waiting it', () => {
    for (const failure of ['closed-while-connecting', 'closed-while-online'] as const) {
      const closed = new ConnectionError('the device closed the connection; retrying with backoff', { failure })
      assert.match(describeFailure(new OfflineError(`x (${closed.message})`, { reason: 'deadline', cause: closed }), CTX), new RegExp(`^${WHERE_RE} closed the connection every time within 2 s: `), failure)
      assert.match(describeFailure(new OfflineError(`x: ${closed.message}`, { reason: 'fail-fast', cause: closed }), CTX), new RegExp(`^${WHERE_RE} closed the connection: `), failure)
    }
  })

  it('a connection closed while the version was probed points at the key, whatever the reason', () => {
    const closed = new ConnectionError('anything', { failure: 'closed-while-probing' })
    for (const reason of ['deadline', 'fail-fast', 'connection-failed', 'no-reconnect'] as const) {
      assert.match(describeFailure(new OfflineError('x', { reason, cause: closed }), CTX), new RegExp(`^${WHERE_RE} closed the connection while its protocol version was being detected: the local key is probably wrong`), reason)
    }
  })

  it('reads the failure, not the message', () => {
    const worded = new ConnectionError('the device closed the connection while probing its version')
    assert.match(describeFailure(new OfflineError(`x: ${worded.message}`, { reason: 'fail-fast', cause: worded }), CTX), new RegExp(`^${WHERE_RE} is offline \\(`), 'no failure: the wording alone does not make it a closed connection')
    const silent = new ConnectionError('no heartbeat reply within 300 ms', { failure: 'heartbeat-missed' })
    assert.match(describeFailure(new OfflineError('x', { reason: 'no-reconnect', cause: silent }), CTX), new RegExp(`^${WHERE_RE} is offline \\(the last connection attempt failed: no heartbeat reply within 300 ms\\)`))
  })
})
