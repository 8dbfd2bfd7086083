/**
 * Every error class the packages export has a code of its own, across all packages: a caller
 * that switches on `error.code` never mistakes one package's error for another's. (Classes are
 * told apart by `instanceof` too, through brands that include the package: see the client's
 * error-brands test.)
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as client from '@tuya/client'
import * as codec from '@tuya/codec'
import * as crypto from '@tuya/crypto'
import * as discovery from '@tuya/discovery'
import * as mock from '@tuya/mock'
import * as mqtt from '@tuya/mqtt'
import * as session from '@tuya/session'
import * as decodeErrors from '../src/decode/errors.ts'
import * as devicesFile from '../src/devices-file.ts'
import * as cliErrors from '../src/errors.ts'

type ErrorClass = { readonly name: string; readonly code: string; readonly scope: string }

const PACKAGES: Record<string, Record<string, unknown>> = {
  '@tuya/crypto': crypto,
  '@tuya/codec': codec,
  '@tuya/session': session,
  '@tuya/discovery': discovery,
  '@tuya/client': client,
  '@tuya/mock': mock,
  '@tuya/mqtt': mqtt,
  // The command line publishes no module; its error classes live in these files.
  '@tuya/cli': { ...cliErrors, ...decodeErrors, ...devicesFile },
}

function errorClasses(): Array<{ pkg: string; cls: ErrorClass }> {
  const seen = new Set<unknown>()
  const out: Array<{ pkg: string; cls: ErrorClass }> = []
  for (const [pkg, exports] of Object.entries(PACKAGES)) {
    for (const value of Object.values(exports)) {
      // `instanceof` on TuyaError reads an instance brand, so walk the class chain instead.
      if (typeof value !== 'function' || !Object.prototype.isPrototypeOf.call(crypto.TuyaError, value) || seen.has(value)) continue
      seen.add(value)
      out.push({ pkg, cls: value as unknown as ErrorClass })
    }
  }
  return out
}

describe('error codes', () => {
  it('are unique across every package', () => {
    const byCode = new Map<string, string[]>()
    for (const { pkg, cls } of errorClasses()) byCode.set(cls.code, [...(byCode.get(cls.code) ?? []), `${pkg} ${cls.name}`])
    const shared = [...byCode].filter(([, names]) => names.length > 1)
    assert.deepEqual(shared, [], 'one class per code')
    assert.ok(byCode.size > 30, `found ${byCode.size} error classes`)
  })

  it('each class is branded with the package that exports it', () => {
    for (const { pkg, cls } of errorClasses()) {
      // Re-exports (the client re-exports the codec's DeviceError family) keep their home package.
      if (pkg === '@tuya/client' && cls.scope === '@tuya/codec') continue
      assert.equal(cls.scope, pkg, `${cls.name} from ${pkg}`)
    }
  })
})
