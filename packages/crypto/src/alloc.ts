/**
 * Small byte arrays carved from shared slabs, the way Node's Buffer pool works. Creating a
 * typed array costs ~0.5-1 µs in V8 once it is larger than 64 bytes (its memory is then
 * allocated outside the JS heap), and on Deno at any size: more than AES-encrypting a
 * 100-byte frame. A view on an existing ArrayBuffer costs ~20 ns. Frames are encoded and
 * decoded through several such arrays, so this is where most of the codec's speed comes from.
 *
 * Every view is handed out once and the slab is never reused, so views are zero-filled and
 * independent; a slab is freed by the GC once no view of it is left. The price, as with
 * Buffer: `view.buffer` is the whole slab (always use byteOffset/byteLength), and a slab must
 * not be transferred (postMessage) because that would detach its other views.
 */

const SLAB_BYTES = 16 * 1024
const MAX_POOLED_BYTES = 4 * 1024

let slab = new ArrayBuffer(0)
let used = 0

/**
 * A zero-filled Uint8Array of `length` bytes; arrays up to 4 KB are views into a shared 16 KB
 * slab (like Node's Buffer pool), larger ones get their own ArrayBuffer. Each array is
 * 8-byte aligned and never shared with another allocation.
 *
 * @param length - number of bytes
 * @returns a fresh zero-filled array (its `.buffer` may be larger than it: use byteOffset)
 * @throws RangeError for a negative or non-integer length
 * @example const frame = allocBytes(24) // instead of new Uint8Array(24) on hot paths
 */
export function allocBytes(length: number): Uint8Array {
  if (length >>> 0 !== length) throw new RangeError(`length must be a non-negative integer, got ${length}`)
  if (length > MAX_POOLED_BYTES) return new Uint8Array(length)
  if (used + length > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES)
    used = 0
  }
  const out = new Uint8Array(slab, used, length)
  used = (used + length + 7) & ~7
  return out
}
