/**
 * constants.json: the command table, the no-header list, the udpkey and the sizes agree
 * with the code; plus the small key/header/name helpers.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { md5, utf8ToBytes } from '@tuya/crypto'
import {
  CMD,
  commandName,
  DEFAULT_MAX_FRAME_BYTES,
  HEADER_55AA_BYTES,
  HEADER_6699_BYTES,
  isProtocolVersion,
  NO_VERSION_HEADER_CMDS,
  PROTOCOL_VERSIONS,
  toKeyBytes,
  UDP_KEY,
  VERSION_HEADER_BYTES,
  versionHeader,
  type ProtocolVersion,
} from '../src/index.ts'
import { hex, loadVector } from './helpers.ts'

const constants = loadVector('constants')

describe('constants.json', () => {
  it('every command of the table has the same number and name', () => {
    for (const c of constants.commands) {
      assert.equal((CMD as Record<string, number>)[c.name], c.value, c.name)
      assert.equal(commandName(c.value), c.name)
    }
    assert.equal(Object.keys(CMD).length, constants.commands.length, 'no command beyond the table')
  })
  it('the commands without version header', () => {
    assert.deepEqual([...NO_VERSION_HEADER_CMDS].sort((a, b) => a - b), [...constants.no_version_header_cmds].sort((a: number, b: number) => a - b))
    for (const c of constants.commands) assert.equal(NO_VERSION_HEADER_CMDS.has(c.value), c.version_header_omitted, c.name)
  })
  it('udpkey is md5 of its source text', () => {
    assert.equal(hex(UDP_KEY), constants.udpkey_hex)
    assert.equal(hex(md5(utf8ToBytes(constants.udpkey_source_text))), constants.udpkey_hex)
  })
  it('sizes', () => {
    assert.equal(HEADER_55AA_BYTES, constants.header_55aa_len)
    assert.equal(HEADER_6699_BYTES, constants.header_6699_len)
    assert.equal(VERSION_HEADER_BYTES, constants.version_header_len)
    assert.equal(DEFAULT_MAX_FRAME_BYTES, 16384)
    assert.ok(DEFAULT_MAX_FRAME_BYTES >= constants.limits.official_firmware_max_frame)
  })
  it('version headers', () => {
    for (const [version, expected] of Object.entries(constants.version_headers_hex)) {
      assert.equal(hex(versionHeader(version as ProtocolVersion)), expected)
    }
    assert.equal(hex(versionHeader('3.1')), '332e31' + '00'.repeat(12))
    assert.throws(() => versionHeader('3.6' as ProtocolVersion), RangeError)
  })
})

describe('helpers', () => {
  it('PROTOCOL_VERSIONS and isProtocolVersion', () => {
    assert.deepEqual(PROTOCOL_VERSIONS, ['3.1', '3.2', '3.3', '3.4', '3.5'])
    for (const v of PROTOCOL_VERSIONS) assert.ok(isProtocolVersion(v))
    for (const v of ['3.0', '3.6', 3.3, '', null, undefined, 'toString', '__proto__']) assert.equal(isProtocolVersion(v), false)
  })
  it('commandName of unknown numbers', () => {
    assert.equal(commandName(0x99), 'UNKNOWN_0x99')
    assert.equal(commandName(0xfffffffe), 'UNKNOWN_0xFFFFFFFE')
    assert.equal(commandName(1), 'AP_CONFIG')
    assert.throws(() => commandName(-1), RangeError)
    assert.throws(() => commandName(1.5), RangeError)
  })
  it('toKeyBytes: ASCII, never hex', () => {
    assert.equal(hex(toKeyBytes('4a5e1f0c9b2d7e38')), '34613565316630633962326437653338')
    const raw = new Uint8Array(16).fill(7)
    assert.equal(toKeyBytes(raw), raw)
    assert.throws(() => toKeyBytes('4a5e1f0c9b2d7e3'), { name: 'RangeError', message: /key must be 16 characters/ })
    assert.throws(() => toKeyBytes('4a5e1f0c9b2d7e38'.repeat(2)), RangeError)
    assert.throws(() => toKeyBytes('4a5e1f0c9b2d7e3é'), RangeError)
    assert.throws(() => toKeyBytes(new Uint8Array(15), 'sessionKey'), { name: 'RangeError', message: /sessionKey/ })
    assert.throws(() => toKeyBytes(42 as unknown as string, 'localKey'), { name: 'TypeError', message: /localKey/ })
  })
})
