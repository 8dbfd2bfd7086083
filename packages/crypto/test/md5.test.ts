/**
 * The MD5 of md5.ts against RFC 1321's test suite and OpenSSL (node:crypto) on every length
 * around the padding boundaries (55/56/63/64 bytes mod 64), where hand-written MD5s go wrong.
 */
import assert from 'node:assert/strict'
import * as nodeCrypto from 'node:crypto'
import { describe, it } from 'node:test'
import { bytesToHex, md5, utf8ToBytes } from '../src/index.ts'

describe('md5', () => {
  it('matches the RFC 1321 test suite (appendix A.5)', () => {
    const suite: Array<[string, string]> = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
    ]
    for (const [message, digest] of suite) assert.equal(bytesToHex(md5(utf8ToBytes(message))), digest, JSON.stringify(message))
  })

  it('matches OpenSSL on every length from 0 to 300 bytes, and on a view into a larger buffer', () => {
    const data = nodeCrypto.randomBytes(320)
    for (let n = 0; n <= 300; n++) {
      const view = new Uint8Array(data.buffer, data.byteOffset + 7, n)
      assert.equal(bytesToHex(md5(view)), nodeCrypto.createHash('md5').update(view).digest('hex'), `length ${n}`)
    }
  })

  it('keeps no state between calls (the same input twice, interleaved with others)', () => {
    const a = utf8ToBytes('data=abc||lpv=3.1||0123456789abcdef')
    const first = bytesToHex(md5(a))
    md5(new Uint8Array(200).fill(0xff))
    assert.equal(bytesToHex(md5(a)), first)
  })
})
