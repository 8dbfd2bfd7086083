/**
 * The error base of every `@tuya/*` package.
 *
 * Each class carries a stable `code` and `name`. `instanceof` is answered by a brand
 * registered with `Symbol.for`, so it still works when two copies of a package are
 * installed side by side (the problem undici solved in 5f256afdc). The brand is the class's
 * `scope` (its package, inherited from the package's base error) plus its name, so that two
 * packages may each have, say, a `WrongVersionError` without answering for each other.
 */

type ErrorClass = { readonly name: string; readonly scope: string }

function brandOf(c: ErrorClass): symbol {
  return Symbol.for(`@tuya/error:${c.scope}:${c.name}`)
}

/** Base class of every error thrown by the `@tuya/*` packages. */
export class TuyaError extends Error {
  /** Stable, machine-readable code; subclasses override it. */
  static readonly code: string = 'TUYA_ERR'
  /**
   * The package that defines the class, part of its `instanceof` brand. Static fields are
   * inherited, so each package sets it once on its base error.
   */
  static readonly scope: string = '@tuya/crypto'
  /** Stable, machine-readable code of this error, such as `TUYA_ERR_CRC`. */
  readonly code: string

  /**
   * @param message - what went wrong and what to do about it (never key material)
   * @param options - `cause`, the error this one wraps
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    const ctor = new.target as typeof TuyaError
    this.name = ctor.name
    this.code = ctor.code
    // Brand the instance with every class of its chain, so that `instanceof` answers
    // through the brand even for a class object from another copy of the package.
    for (let c: unknown = ctor; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      Object.defineProperty(this, brandOf(c as unknown as ErrorClass), { value: true })
    }
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brandOf(this)] === true
  }
}

/**
 * Ciphertext could not be decrypted: wrong length, wrong key, or wrong protocol version.
 * Remote data caused it; it is never a bug in the caller's code.
 */
export class DecryptError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_DECRYPT'
}

/** AES-ECB decryption produced invalid PKCS#7 padding: almost always a wrong key or version. */
export class BadPaddingError extends DecryptError {
  static override readonly code: string = 'TUYA_ERR_BAD_PADDING'
}

/**
 * An AES-GCM tag did not verify. Nothing of the plaintext is released. On the wire this
 * means a wrong key, a wrong protocol version, or bytes damaged in transit.
 */
export class AuthenticationError extends DecryptError {
  static override readonly code: string = 'TUYA_ERR_GCM_AUTH'
}
