// Error classes answer `instanceof` through a Symbol.for brand (so duplicate installs work).
// Two packages may each define a class of the same name; the brand includes the package, so
// neither answers for the other.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FrameError } from '@tuya/codec'
import { TuyaError } from '@tuya/crypto'
import * as session from '@tuya/session'
import { ClientError, OfflineError, WrongKeyError, WrongVersionError } from '../src/index.ts'

describe('error brands', () => {
  it("the session's WrongVersionError is not the client's, and vice versa", () => {
    const fromSession = new session.WrongVersionError('peer speaks 3.5')
    const fromClient = new WrongVersionError('device speaks 3.5')
    assert.equal(fromSession instanceof WrongVersionError, false)
    assert.equal(fromClient instanceof session.WrongVersionError, false)
    assert.ok(fromSession instanceof session.HandshakeError)
    assert.ok(fromClient instanceof ClientError)
    for (const e of [fromSession, fromClient]) {
      assert.ok(e instanceof TuyaError)
      assert.equal(e instanceof FrameError, false)
    }
    assert.equal(fromClient.code, 'TUYA_ERR_WRONG_VERSION')
    assert.equal(fromSession.code, 'TUYA_ERR_HANDSHAKE_WRONG_VERSION', 'codes are unique across packages')
  })
})

describe('error reasons', () => {
  it('OfflineError and WrongKeyError carry their reason; isProven is false only for silence', () => {
    assert.equal(new OfflineError('x', { reason: 'deadline' }).reason, 'deadline')
    assert.equal(new WrongKeyError('x', { reason: 'handshake-proof' }).isProven, true)
    assert.equal(new WrongKeyError('x', { reason: 'undecryptable' }).isProven, true)
    assert.equal(new WrongKeyError('x', { reason: 'silent' }).isProven, false)
  })

  it('an unknown or missing reason (a JavaScript caller) is a TypeError naming the option', () => {
    assert.throws(() => new OfflineError('x', { reason: 'gone' as never }), { name: 'TypeError', message: /^options\.reason must be one of deadline, .*got 'gone'$/ })
    assert.throws(() => new WrongKeyError('x', undefined as never), { name: 'TypeError', message: /^options\.reason must be one of handshake-proof, undecryptable, silent, got undefined$/ })
  })
})
