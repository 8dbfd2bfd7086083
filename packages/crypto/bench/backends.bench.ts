/**
 * The two crypto backends primitive by primitive, at a CONTROL-sized (128 B) and a
 * STATUS-sized (1 KB) input, next to plain node:crypto calls made the way tuyapi makes
 * them (a new cipher context per frame). This is where the node backend's thresholds
 * (native from 256 bytes, GCM from 512) come from: below them the pure-JS code wins.
 *
 *   node --import tsx bench/backends.bench.ts   (also bun, deno run -A --no-check)
 */
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { nobleBackend, type CryptoBackend } from '../src/index.ts'
import { nodeCryptoBackend } from '../src/node.ts'

const key = Uint8Array.from({ length: 16 }, (_, i) => i * 17)
const iv = Uint8Array.from({ length: 12 }, (_, i) => i)
const aad = new Uint8Array(14)

// Raw node:crypto, one context per call (what tuyapi's cipher.js does).
const oneShot = {
  ecbEncrypt: (data: Uint8Array) => createCipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(data),
  ecbDecrypt: (data: Uint8Array) => createDecipheriv('aes-128-ecb', key, null).setAutoPadding(false).update(data),
  gcmEncrypt(data: Uint8Array) {
    const c = createCipheriv('aes-128-gcm', key, iv).setAAD(aad)
    return Buffer.concat([c.update(data), c.final(), c.getAuthTag()])
  },
  gcmDecrypt(sealed: Uint8Array) {
    const d = createDecipheriv('aes-128-gcm', key, iv).setAAD(aad)
    d.setAuthTag(sealed.subarray(sealed.length - 16))
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()])
  },
  hmac: (data: Uint8Array) => createHmac('sha256', key).update(data).digest(),
}

// Keyed once, as @tuya/codec does per key.
const macs = new Map([nobleBackend, nodeCryptoBackend].map((b) => [b, b.hmacSha256(key)]))

for (const size of [128, 1024]) {
  const data = Uint8Array.from({ length: size }, (_, i) => i)
  const sealed = nobleBackend.gcmEncrypt(key, iv, data, aad)
  const ops: [string, (b: CryptoBackend) => unknown, () => unknown][] = [
    ['AES-ECB encrypt', (b) => b.ecbEncrypt(key, data.slice()), () => oneShot.ecbEncrypt(data)],
    ['AES-ECB decrypt', (b) => b.ecbDecrypt(key, data), () => oneShot.ecbDecrypt(data)],
    ['AES-GCM encrypt', (b) => b.gcmEncrypt(key, iv, data, aad), () => oneShot.gcmEncrypt(data)],
    ['AES-GCM decrypt', (b) => b.gcmDecrypt(key, iv, sealed, aad), () => oneShot.gcmDecrypt(sealed)],
    ['HMAC-SHA256', (b) => macs.get(b)!([data]), () => oneShot.hmac(data)],
  ]
  for (const [name, viaBackend, raw] of ops) {
    group(`${name} ${size} B`, () => {
      summary(() => {
        bench(`noble ${name} ${size}`, () => do_not_optimize(viaBackend(nobleBackend)))
        bench(`node backend ${name} ${size}`, () => do_not_optimize(viaBackend(nodeCryptoBackend)))
        bench(`node:crypto one-shot ${name} ${size}`, () => do_not_optimize(raw()))
      })
    })
  }
}

await run()
