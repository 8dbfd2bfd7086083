/**
 * The two crypto backends primitive by primitive, at a CONTROL-sized (128 B) and a
 * STATUS-sized (1 KB) input, each on a key imported once (as a Keyring holds it), next to
 * plain node:crypto calls made the way tuyapi makes them (a new cipher context per frame).
 * The node backend's thresholds (where it hands small inputs to noble) come from here.
 *
 *   node --import tsx bench/backends.bench.ts   (also bun, deno run -A --no-check)
 */
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto'
import { bench, do_not_optimize, group, run, summary } from 'mitata'
import { nobleBackend, type CipherKey } from '../src/index.ts'
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

const keys: [string, CipherKey][] = [
  ['noble', nobleBackend.importKey(key)],
  ['node backend', nodeCryptoBackend.importKey(key)],
]

for (const size of [128, 1024]) {
  const data = Uint8Array.from({ length: size }, (_, i) => i)
  const sealed = keys[0]![1].gcmEncrypt(iv, data, aad)
  const ops: [string, (k: CipherKey) => unknown, () => unknown][] = [
    ['AES-ECB encrypt', (k) => k.ecbEncrypt(data.slice()), () => oneShot.ecbEncrypt(data)],
    ['AES-ECB decrypt', (k) => k.ecbDecrypt(data), () => oneShot.ecbDecrypt(data)],
    ['AES-GCM encrypt', (k) => k.gcmEncrypt(iv, data, aad), () => oneShot.gcmEncrypt(data)],
    ['AES-GCM decrypt', (k) => k.gcmDecrypt(iv, sealed, aad), () => oneShot.gcmDecrypt(sealed)],
    ['HMAC-SHA256', (k) => k.hmacSha256(data), () => oneShot.hmac(data)],
  ]
  for (const [name, viaKey, raw] of ops) {
    group(`${name} ${size} B`, () => {
      summary(() => {
        for (const [label, k] of keys) bench(`${label} ${name} ${size}`, () => do_not_optimize(viaKey(k)))
        bench(`node:crypto one-shot ${name} ${size}`, () => do_not_optimize(raw()))
      })
    })
  }
}

await run()
