// Error classes answer `instanceof` through a Symbol.for brand (so duplicate installs work).
// Two packages may each define a class of the same name; the brand includes the package, so
// neither answers for the other.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { FrameError } from '@tuya/codec'
import { TuyaError } from '@tuya/crypto'
import * as session from '@tuya/session'
import { ClientError, WrongVersionError } from '../src/index.ts'

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
      assert.equal(e.code, 'TUYA_ERR_WRONG_VERSION')
    }
  })
})
