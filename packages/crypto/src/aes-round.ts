/**
 * The AES-128 block function on small T-tables (FIPS 197 §5 with the "T-table" rounds of the
 * Rijndael proposal §5.2), and the key expansion, writing little-endian round keys in the
 * layout of @noble/ciphers' `unsafe.expandKeyLE` / `expandKeyDecLE` straight into the array
 * the caller keeps them in (key-material.ts: one array per key).
 *
 * Why not noble's own `unsafe.encrypt`: since @noble/ciphers 2 it looks up merged 64K-entry
 * tables (T01, T23 and a 16-bit S-box: 640 KB per direction). That wins in a loop that
 * encrypts megabytes, but a Tuya client encrypts a few blocks per frame between socket reads,
 * by which time those tables have left the CPU caches: measured in a request/response loop,
 * the block function was 16 µs of a 3.5 request's ~60 µs of JavaScript. These tables are
 * 4 KB per direction (four 256-entry words), which stay cached. The tests check every block
 * function here against noble's and against node:crypto.
 */

/** Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS 197 §4.2). */
function mul(a: number, b: number): number {
  let product = 0
  for (; b > 0; b >>>= 1) {
    if (b & 1) product ^= a
    a = ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff
  }
  return product
}

/** The S-box (FIPS 197 §5.1.1): the multiplicative inverse followed by the affine map. */
function makeSbox(): Uint8Array {
  // Powers of the generator 3 and their logarithms give each inverse in one lookup.
  const power = new Uint8Array(256)
  const log = new Uint8Array(256)
  for (let i = 0, x = 1; i < 255; i++, x = mul(x, 3)) {
    power[i] = x
    log[x] = i
  }
  const box = new Uint8Array(256)
  box[0] = 0x63
  for (let x = 1; x < 256; x++) {
    const inverse = power[(255 - log[x]!) % 255]!
    let y = inverse
    for (let i = 1; i <= 4; i++) y ^= ((inverse << i) | (inverse >>> (8 - i))) & 0xff
    box[x] = y ^ 0x63
  }
  return box
}

const SBOX = /* @__PURE__ */ makeSbox()
const INV_SBOX = /* @__PURE__ */ (() => {
  const inv = new Uint8Array(256)
  for (let i = 0; i < 256; i++) inv[SBOX[i]!] = i
  return inv
})()

/**
 * T0..T3 in one array (T_k at offset 256k): T0[x] packs one MixColumns (or InvMixColumns)
 * column of S(x) in the little-endian lane order noble's round keys use; T_k is T0 rotated
 * left by 8k bits.
 */
function tTables(box: Uint8Array, column: (s: number) => number): Uint32Array {
  const t = new Uint32Array(1024)
  for (let x = 0; x < 256; x++) {
    let w = column(box[x]!) >>> 0
    for (let k = 0; k < 4; k++) {
      t[(k << 8) | x] = w
      w = ((w << 8) | (w >>> 24)) >>> 0
    }
  }
  return t
}

const TE = /* @__PURE__ */ tTables(SBOX, (s) => (mul(s, 3) << 24) | (s << 16) | (s << 8) | mul(s, 2))
const TD = /* @__PURE__ */ tTables(INV_SBOX, (s) => (mul(s, 11) << 24) | (mul(s, 13) << 16) | (mul(s, 9) << 8) | mul(s, 14))

/**
 * Where {@link encryptBlock} and {@link decryptBlock} leave their result (four little-endian
 * words): read it before the next call. A shared array instead of a returned object keeps a
 * block allocation-free whether or not V8 inlines the call.
 */
export const blockOut = /* @__PURE__ */ new Int32Array(4)

/** The 44 round-key words of AES-128 (11 round keys). */
export const ROUND_KEY_WORDS = 44
// AES-128 only: 10 rounds, of which the first 9 have MixColumns.
const MIDDLE_ROUNDS = 9

/**
 * FIPS 197 §5.2 key expansion of a 16-byte key into `xk[0, 44)`, little-endian words (the
 * layout of noble's `unsafe.expandKeyLE`; words 0-3 are the key bytes themselves).
 */
export function expandKeyInto(key: Uint8Array, xk: Int32Array): void {
  for (let i = 0; i < 4; i++) xk[i] = key[4 * i]! | (key[4 * i + 1]! << 8) | (key[4 * i + 2]! << 16) | (key[4 * i + 3]! << 24)
  const box = SBOX
  let rcon = 1
  for (let i = 4; i < ROUND_KEY_WORDS; i++) {
    let t = xk[i - 1]!
    if ((i & 3) === 0) {
      // RotWord (a byte rotation: 8 bits right in little-endian lanes), SubWord, then Rcon.
      t = (t >>> 8) | (t << 24)
      t = (box[t & 0xff]! | (box[(t >>> 8) & 0xff]! << 8) | (box[(t >>> 16) & 0xff]! << 16) | (box[t >>> 24]! << 24)) ^ rcon
      rcon = mul(rcon, 2)
    }
    xk[i] = xk[i - 4]! ^ t
  }
}

/**
 * The decryption round keys of the equivalent inverse cipher (FIPS 197 §5.3.5) from the
 * encryption round keys in `xk[0, 44)`, written to `xk[at, at + 44)` (noble's
 * `unsafe.expandKeyDecLE` layout): the round keys in reverse order, InvMixColumns applied to
 * all but the first and last.
 */
export function invertKeyInto(xk: Int32Array, at: number): void {
  const box = SBOX
  const t = TD
  for (let i = 0; i < ROUND_KEY_WORDS; i += 4) {
    for (let j = 0; j < 4; j++) {
      const w = xk[ROUND_KEY_WORDS - 4 - i + j]!
      // TD[x] is InvMixColumns of InvSubBytes(x): undo the S-box first to get InvMixColumns alone.
      xk[at + i + j] =
        i === 0 || i === ROUND_KEY_WORDS - 4
          ? w
          : t[box[w & 0xff]!]! ^ t[256 | box[(w >>> 8) & 0xff]!]! ^ t[512 | box[(w >>> 16) & 0xff]!]! ^ t[768 | box[w >>> 24]!]!
    }
  }
}

/**
 * Encrypts one block given as four little-endian words, into {@link blockOut}.
 * @param xk - the AES-128 encryption round keys in `xk[0, 44)` (see {@link expandKeyInto})
 */
export function encryptBlock(xk: Int32Array, s0: number, s1: number, s2: number, s3: number): void {
  const t = TE
  let k = 0
  s0 ^= xk[k++]!
  s1 ^= xk[k++]!
  s2 ^= xk[k++]!
  s3 ^= xk[k++]!
  for (let r = 0; r < MIDDLE_ROUNDS; r++) {
    const t0 = xk[k++]! ^ t[s0 & 0xff]! ^ t[256 | ((s1 >>> 8) & 0xff)]! ^ t[512 | ((s2 >>> 16) & 0xff)]! ^ t[768 | (s3 >>> 24)]!
    const t1 = xk[k++]! ^ t[s1 & 0xff]! ^ t[256 | ((s2 >>> 8) & 0xff)]! ^ t[512 | ((s3 >>> 16) & 0xff)]! ^ t[768 | (s0 >>> 24)]!
    const t2 = xk[k++]! ^ t[s2 & 0xff]! ^ t[256 | ((s3 >>> 8) & 0xff)]! ^ t[512 | ((s0 >>> 16) & 0xff)]! ^ t[768 | (s1 >>> 24)]!
    const t3 = xk[k++]! ^ t[s3 & 0xff]! ^ t[256 | ((s0 >>> 8) & 0xff)]! ^ t[512 | ((s1 >>> 16) & 0xff)]! ^ t[768 | (s2 >>> 24)]!
    s0 = t0
    s1 = t1
    s2 = t2
    s3 = t3
  }
  const box = SBOX
  const out = blockOut
  out[0] = xk[k++]! ^ (box[s0 & 0xff]! | (box[(s1 >>> 8) & 0xff]! << 8) | (box[(s2 >>> 16) & 0xff]! << 16) | (box[s3 >>> 24]! << 24))
  out[1] = xk[k++]! ^ (box[s1 & 0xff]! | (box[(s2 >>> 8) & 0xff]! << 8) | (box[(s3 >>> 16) & 0xff]! << 16) | (box[s0 >>> 24]! << 24))
  out[2] = xk[k++]! ^ (box[s2 & 0xff]! | (box[(s3 >>> 8) & 0xff]! << 8) | (box[(s0 >>> 16) & 0xff]! << 16) | (box[s1 >>> 24]! << 24))
  out[3] = xk[k++]! ^ (box[s3 & 0xff]! | (box[(s0 >>> 8) & 0xff]! << 8) | (box[(s1 >>> 16) & 0xff]! << 16) | (box[s2 >>> 24]! << 24))
}

/**
 * Decrypts one block given as four little-endian words, into {@link blockOut}.
 * @param xk - holds the AES-128 decryption round keys in `xk[at, at + 44)` (see {@link invertKeyInto})
 * @param at - where they start
 */
export function decryptBlock(xk: Int32Array, at: number, s0: number, s1: number, s2: number, s3: number): void {
  const t = TD
  let k = at
  s0 ^= xk[k++]!
  s1 ^= xk[k++]!
  s2 ^= xk[k++]!
  s3 ^= xk[k++]!
  for (let r = 0; r < MIDDLE_ROUNDS; r++) {
    const t0 = xk[k++]! ^ t[s0 & 0xff]! ^ t[256 | ((s3 >>> 8) & 0xff)]! ^ t[512 | ((s2 >>> 16) & 0xff)]! ^ t[768 | (s1 >>> 24)]!
    const t1 = xk[k++]! ^ t[s1 & 0xff]! ^ t[256 | ((s0 >>> 8) & 0xff)]! ^ t[512 | ((s3 >>> 16) & 0xff)]! ^ t[768 | (s2 >>> 24)]!
    const t2 = xk[k++]! ^ t[s2 & 0xff]! ^ t[256 | ((s1 >>> 8) & 0xff)]! ^ t[512 | ((s0 >>> 16) & 0xff)]! ^ t[768 | (s3 >>> 24)]!
    const t3 = xk[k++]! ^ t[s3 & 0xff]! ^ t[256 | ((s2 >>> 8) & 0xff)]! ^ t[512 | ((s1 >>> 16) & 0xff)]! ^ t[768 | (s0 >>> 24)]!
    s0 = t0
    s1 = t1
    s2 = t2
    s3 = t3
  }
  const box = INV_SBOX
  const out = blockOut
  out[0] = xk[k++]! ^ (box[s0 & 0xff]! | (box[(s3 >>> 8) & 0xff]! << 8) | (box[(s2 >>> 16) & 0xff]! << 16) | (box[s1 >>> 24]! << 24))
  out[1] = xk[k++]! ^ (box[s1 & 0xff]! | (box[(s0 >>> 8) & 0xff]! << 8) | (box[(s3 >>> 16) & 0xff]! << 16) | (box[s2 >>> 24]! << 24))
  out[2] = xk[k++]! ^ (box[s2 & 0xff]! | (box[(s1 >>> 8) & 0xff]! << 8) | (box[(s0 >>> 16) & 0xff]! << 16) | (box[s3 >>> 24]! << 24))
  out[3] = xk[k++]! ^ (box[s3 & 0xff]! | (box[(s2 >>> 8) & 0xff]! << 8) | (box[(s1 >>> 16) & 0xff]! << 16) | (box[s0 >>> 24]! << 24))
}
