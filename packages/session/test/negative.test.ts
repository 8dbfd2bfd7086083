/**
 * negative.json `negotiation_*` cases: a client that sent START and receives these RESP
 * frames must fail with the right HandshakeError subclass and must not send FINISH.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TuyaError } from '@tuya/crypto'
import {
  createSession,
  HandshakeError,
  MalformedHandshakeError,
  WrongLocalKeyError,
} from '../src/index.ts'
import type { HandshakeVersion } from '../src/index.ts'
import { h, loadVector, seededRandom } from './helpers.ts'

const negative = loadVector('negative.json')
const DEFAULT_CLIENT_NONCE = '30313233343536373839616263646566' // README: "0123456789abcdef"

/** Which class each kind of negotiation failure must raise. */
const EXPECTED: Array<[RegExp, typeof HandshakeError]> = [
  [/hmac_mismatch/, WrongLocalKeyError],
  [/short_resp/, MalformedHandshakeError],
]

const cases = (negative.cases as any[]).filter((c) => String(c.name).startsWith('negotiation_'))

describe('negative.json negotiation_* cases', () => {
  it('has the four known cases', () => {
    assert.deepEqual(cases.map((c) => c.name).sort(), [
      'negotiation_hmac_mismatch_v34',
      'negotiation_hmac_mismatch_v35',
      'negotiation_short_resp_v34',
      'negotiation_short_resp_v35',
    ])
  })

  for (const c of cases) {
    it(`${c.name}: ${c.expected_failure_words}`, () => {
      const expected = EXPECTED.find(([re]) => re.test(c.name))?.[1]
      assert.ok(expected, `no expectation for ${c.name}: add one`)
      assert.equal(c.expected_failure, 'negotiation_failed')
      const client = createSession({
        role: 'client',
        version: c.version as HandshakeVersion,
        localKey: h(c.key_hex),
        nonce: h(c.client_nonce_hex ?? DEFAULT_CLIENT_NONCE),
        random: seededRandom(7),
      })
      client.start()
      assert.equal(client.nextSeq, 2)

      let thrown: unknown
      assert.throws(() => client.receive(h(c.frame_hex)), (error: unknown) => {
        thrown = error
        return error instanceof expected
      })
      assert.ok(thrown instanceof HandshakeError)
      assert.ok(thrown instanceof TuyaError)
      assert.equal((thrown as HandshakeError).code, (expected as unknown as { code: string }).code)
      assert.equal((thrown as Error).name, expected.name)
      // No FINISH: nothing was returned, the seq counter did not move, no key.
      assert.equal(client.nextSeq, 2)
      assert.equal(client.state, 'failed')
      assert.equal(client.sessionKey, undefined)
      // Every further call throws the same kind, wrapping the first failure.
      assert.throws(() => client.receive(h(c.frame_hex)), (error: unknown) => error instanceof expected && (error as Error).cause === thrown)
      assert.throws(() => client.start(), expected)
    })
  }
})
