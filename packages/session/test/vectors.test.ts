/**
 * Golden vectors handshake_v34.json / handshake_v35.json (shared/vectors, produced by tinytuya
 * and tuyamock with pinned nonces and IVs): every frame byte-exact, every observable
 * intermediate value, the session key and the seq counters after the handshake.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeFrame } from '@tuya/codec'
import { aesEcbDecrypt, aesGcmDecrypt, aesGcmEncrypt, hmacSha256, utf8ToBytes } from '@tuya/crypto'
import { createSession, deriveSessionKey } from '../src/index.ts'
import type { HandshakeVersion } from '../src/index.ts'
import { h, hex, loadVector, oracleSessionKey, queuedRandom } from './helpers.ts'

interface Step {
  step: string
  direction: string
  cmd: number
  seqno: number
  length: number
  retcode: number | null
  logical_payload_hex: string
  frame_hex: string
  [field: string]: unknown
}

/** The layers of a frame, cut by the byte layout of PROTOCOL.md §3 (independent of the codec). */
function checkLayers(version: HandshakeVersion, lk: Uint8Array, step: Step, frame: Uint8Array): void {
  const n = frame.length
  const view = new DataView(frame.buffer, frame.byteOffset, n)
  if (version === '3.4') {
    assert.equal(view.getUint32(4), step.seqno)
    assert.equal(view.getUint32(8), step.cmd)
    assert.equal(view.getUint32(12), step.length)
    assert.equal(n, 16 + step.length)
    const bodyStart = step.retcode === null ? 16 : 20
    if (step.retcode !== null) assert.equal(view.getUint32(16), step.retcode)
    const body = frame.subarray(bodyStart, n - 36)
    assert.equal(hex(body), step.body_hex)
    assert.equal(hex(frame.subarray(0, n - 36)), step.hmac_input_hex)
    assert.equal(hex(frame.subarray(n - 36, n - 4)), step.hmac_hex)
    assert.equal(hex(hmacSha256(lk, frame.subarray(0, n - 36))), step.hmac_hex)
    assert.equal(hex(aesEcbDecrypt(lk, body)), step.ecb_plaintext_hex)
  } else {
    assert.equal(view.getUint32(6), step.seqno)
    assert.equal(view.getUint32(10), step.cmd)
    assert.equal(view.getUint32(14), step.length)
    assert.equal(n, 18 + step.length + 4)
    const iv = frame.subarray(18, 30)
    const aad = frame.subarray(4, 18)
    const ct = frame.subarray(30, n - 20)
    const tag = frame.subarray(n - 20, n - 4)
    assert.equal(hex(iv), step.iv_hex)
    assert.equal(hex(aad), step.aad_hex)
    assert.equal(hex(ct), step.ciphertext_hex)
    assert.equal(hex(tag), step.tag_hex)
    assert.equal(hex(aesGcmDecrypt(lk, iv, frame.subarray(30, n - 4), aad)), step.gcm_plaintext_hex)
  }
}

for (const file of ['handshake_v34.json', 'handshake_v35.json']) {
  const v = loadVector(file)
  const version = v.version as HandshakeVersion
  const lk = utf8ToBytes(v.local_key_ascii)
  const cn = h(v.client_nonce_hex)
  const dn = h(v.device_nonce_hex)
  const [startStep, respStep, finishStep] = v.steps as [Step, Step, Step]
  // 3.5 frames need an IV each; 3.4 frames need none, so the queue is empty there and any
  // random draw of the session fails the test.
  const ivOf = (step: Step): Uint8Array[] => (typeof step.iv_hex === 'string' ? [h(step.iv_hex)] : [])

  describe(`${file}: protocol ${version} negotiation`, () => {
    it('the client sends START and FINISH byte-exact and derives the session key', () => {
      const random = queuedRandom([...ivOf(startStep), ...ivOf(finishStep)])
      const client = createSession({ role: 'client', version, localKey: v.local_key_ascii, nonce: cn, random })
      assert.equal(client.state, 'idle')
      assert.equal(client.nextSeq, 1)
      assert.equal(client.sessionKey, undefined)

      const started = client.start()
      assert.equal(started.send.length, 1)
      assert.deepEqual(started.events, [])
      assert.equal(hex(started.send[0]!), startStep.frame_hex)
      assert.equal(client.state, 'awaiting-resp')
      assert.equal(client.nextSeq, 2)

      const finished = client.receive(h(respStep.frame_hex))
      assert.equal(finished.send.length, 1)
      assert.equal(hex(finished.send[0]!), finishStep.frame_hex)
      assert.equal(finished.events.length, 1)
      assert.equal(finished.events[0]!.type, 'established')
      assert.equal(hex(finished.events[0]!.sessionKey), v.session_key_hex)
      assert.equal(client.state, 'established')
      assert.equal(hex(client.sessionKey!), v.session_key_hex)
      assert.equal(client.nextSeq, v.after_handshake.client_next_seqno)
      assert.equal(random.remaining(), 0)
    })

    it('the device answers with RESP byte-exact (its own seq) and derives the same key on FINISH', () => {
      const random = queuedRandom(ivOf(respStep))
      const device = createSession({ role: 'device', version, localKey: lk, nonce: dn, firstSeq: respStep.seqno, random })
      assert.equal(device.nextSeq, respStep.seqno)

      const answered = device.receive(h(startStep.frame_hex))
      assert.equal(answered.send.length, 1)
      assert.deepEqual(answered.events, [])
      assert.equal(hex(answered.send[0]!), respStep.frame_hex)
      assert.equal(device.state, 'awaiting-finish')
      assert.equal(device.sessionKey, undefined)

      const done = device.receive(h(finishStep.frame_hex))
      assert.deepEqual(done.send, [])
      assert.equal(done.events.length, 1)
      assert.equal(hex(done.events[0]!.sessionKey), v.session_key_hex)
      assert.equal(device.state, 'established')
      assert.equal(hex(device.sessionKey!), v.session_key_hex)
      assert.equal(device.nextSeq, v.after_handshake.device_next_seqno)
      assert.equal(random.remaining(), 0)
    })

    it('every frame has the layers of the vector (header, body, trailer, decrypted content)', () => {
      for (const step of v.steps as Step[]) {
        checkLayers(version, lk, step, h(step.frame_hex))
        const direction = step.direction === 'client_to_device' ? 'toDevice' : 'fromDevice'
        const decoded = decodeFrame(h(step.frame_hex), { version, key: lk, direction })
        assert.equal(decoded.cmd, step.cmd)
        assert.equal(decoded.seq, step.seqno)
        assert.equal(hex(decoded.payload), step.logical_payload_hex)
        if (step.retcode !== null) assert.equal(decoded.retcode, step.retcode)
      }
    })

    it('the intermediate values: both HMAC proofs, cn XOR dn, the derivation', () => {
      assert.equal(hex(hmacSha256(lk, cn)), v.hmac_client_nonce_hex)
      assert.equal(hex(hmacSha256(lk, dn)), v.hmac_device_nonce_hex)
      assert.equal(respStep.logical_payload_hex, v.device_nonce_hex + v.hmac_client_nonce_hex)
      assert.equal(finishStep.logical_payload_hex, v.hmac_device_nonce_hex)
      assert.equal(hex(cn.map((b, i) => b ^ dn[i]!)), v.xor_hex)
      if (v.derivation.gcm_iv_hex !== undefined) {
        assert.equal(hex(cn.subarray(0, 12)), v.derivation.gcm_iv_hex)
        const sealed = aesGcmEncrypt(lk, cn.subarray(0, 12), h(v.xor_hex))
        assert.equal(hex(sealed), v.derivation.gcm_ciphertext_hex + v.derivation.gcm_tag_hex)
      }
      assert.equal(hex(deriveSessionKey(version, lk, cn, dn)), v.session_key_hex)
      assert.equal(hex(oracleSessionKey(version, lk, cn, dn)), v.session_key_hex)
    })
  })
}
