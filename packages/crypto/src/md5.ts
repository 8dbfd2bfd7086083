/**
 * MD5 (RFC 1321) for the 3.1 frame signature and the discovery key: one call per frame, on
 * 100-300 bytes. A straight implementation over a reused 16-word scratch block: noble's
 * streaming hash object costs more to create than the few blocks of a signature cost to hash.
 * Not for security (nothing here relies on MD5 being collision resistant).
 */

// K[i] = floor(|sin(i + 1)| * 2^32), written out (RFC 1321 §3.4) rather than computed with
// Math.sin, whose last bit is not specified.
const K = /* @__PURE__ */ Int32Array.from([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
])
// Per-round shift amounts, four per round (RFC 1321 §3.4).
const S = /* @__PURE__ */ Uint8Array.from([7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21])

const X = new Int32Array(16)
const state = new Int32Array(4)
// The last one or two blocks: the tail of the message, 0x80, zeros, the bit length.
const tail = new Uint8Array(128)

function compress(b: Uint8Array, at: number): void {
  for (let i = 0; i < 16; i++, at += 4) X[i] = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)
  let a = state[0]!
  let bb = state[1]!
  let c = state[2]!
  let d = state[3]!
  for (let i = 0; i < 64; i++) {
    let f: number
    let g: number
    if (i < 16) {
      f = (bb & c) | (~bb & d)
      g = i
    } else if (i < 32) {
      f = (d & bb) | (~d & c)
      g = (5 * i + 1) & 15
    } else if (i < 48) {
      f = bb ^ c ^ d
      g = (3 * i + 5) & 15
    } else {
      f = c ^ (bb | ~d)
      g = (7 * i) & 15
    }
    const s = S[((i >>> 4) << 2) | (i & 3)]!
    const x = (a + f + K[i]! + X[g]!) | 0
    a = d
    d = c
    c = bb
    bb = (bb + ((x << s) | (x >>> (32 - s)))) | 0
  }
  state[0] = (state[0]! + a) | 0
  state[1] = (state[1]! + bb) | 0
  state[2] = (state[2]! + c) | 0
  state[3] = (state[3]! + d) | 0
}

/**
 * MD5 digest of `data` (the caller has checked that it is a Uint8Array).
 * @param data - the message
 * @returns 16 bytes
 */
export function md5Digest(data: Uint8Array): Uint8Array {
  state[0] = 0x67452301
  state[1] = 0xefcdab89 | 0
  state[2] = 0x98badcfe | 0
  state[3] = 0x10325476
  const length = data.length
  const whole = length - (length & 63)
  for (let at = 0; at < whole; at += 64) compress(data, at)
  const rest = length - whole
  tail.set(data.subarray(whole), 0)
  tail[rest] = 0x80
  const end = rest < 56 ? 64 : 128
  tail.fill(0, rest + 1, end - 8)
  // The length in bits, little-endian 64-bit (lengths beyond 2^53 bits cannot occur here).
  const bits = length * 8
  const low = bits >>> 0
  const high = Math.floor(bits / 0x100000000)
  for (let i = 0; i < 4; i++) {
    tail[end - 8 + i] = low >>> (8 * i)
    tail[end - 4 + i] = high >>> (8 * i)
  }
  compress(tail, 0)
  if (end === 128) compress(tail, 64)
  const out = new Uint8Array(16)
  for (let i = 0; i < 4; i++) {
    const w = state[i]!
    out[4 * i] = w
    out[4 * i + 1] = w >>> 8
    out[4 * i + 2] = w >>> 16
    out[4 * i + 3] = w >>> 24
  }
  tail.fill(0)
  return out
}
