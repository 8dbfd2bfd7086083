/**
 * TCP reassembly for one direction of one connection: orders segments by sequence number,
 * drops retransmitted and overlapping bytes (first copy wins), tolerates a missing SYN (the
 * first data segment starts the stream) and reports holes as gaps instead of waiting forever.
 * Bounded: out-of-order data beyond `maxPendingBytes` forces the oldest hole to be skipped.
 */

/** What a stream direction delivers, in order. */
export type StreamChunk =
  | { readonly kind: 'data'; readonly bytes: Uint8Array }
  /** `bytes` bytes are missing from the capture at this point (lost, or cut by the snap length). */
  | { readonly kind: 'gap'; readonly bytes: number }

interface Pending {
  readonly seq: number
  readonly data: Uint8Array
  /** Length on the wire (>= data.length). */
  readonly length: number
}

/** Signed distance a - b in 32-bit sequence space. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0
}

/** Default bound on buffered out-of-order bytes per direction. */
export const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024

/** Reassembles one direction of a TCP connection. */
export class HalfStream {
  private nextSeq: number | undefined
  private pending: Pending[] = []
  private pendingBytes = 0
  private readonly maxPendingBytes: number

  /** @param maxPendingBytes - bound on buffered out-of-order bytes */
  constructor(maxPendingBytes = DEFAULT_MAX_PENDING_BYTES) {
    this.maxPendingBytes = maxPendingBytes
  }

  /** Whether the stream has an initial sequence number yet. */
  get isStarted(): boolean {
    return this.nextSeq !== undefined
  }

  /**
   * A SYN from this side: data starts at seq + 1. A retransmitted SYN changes nothing.
   * @param seq - the SYN's sequence number
   */
  syn(seq: number): void {
    if (this.nextSeq === undefined) this.nextSeq = (seq + 1) >>> 0
  }

  /**
   * One segment's payload.
   * @param seq - its sequence number
   * @param data - the captured payload
   * @param length - the payload length on the wire (>= data.length)
   * @returns what can be delivered now, in order
   */
  push(seq: number, data: Uint8Array, length: number): StreamChunk[] {
    const out: StreamChunk[] = []
    if (length <= 0) return out
    if (this.nextSeq === undefined) this.nextSeq = seq >>> 0 // no SYN seen: start here
    if (seqDiff((seq + length) >>> 0, this.nextSeq) <= 0) return out // entirely old: a retransmission
    this.pending.push({ seq: seq >>> 0, data, length })
    this.pendingBytes += data.length
    this.drain(out)
    while (this.pendingBytes > this.maxPendingBytes && this.pending.length > 0) this.skipHole(out)
    return out
  }

  /**
   * End of the capture: deliver what is buffered, skipping the holes.
   * @returns the remaining chunks
   */
  flush(): StreamChunk[] {
    const out: StreamChunk[] = []
    while (this.pending.length > 0) this.skipHole(out)
    return out
  }

  private earliest(): number {
    let best = 0
    for (let i = 1; i < this.pending.length; i++) {
      if (seqDiff(this.pending[i]!.seq, this.pending[best]!.seq) < 0) best = i
    }
    return best
  }

  private skipHole(out: StreamChunk[]): void {
    const first = this.pending[this.earliest()]!
    const hole = seqDiff(first.seq, this.nextSeq!)
    if (hole > 0) {
      out.push({ kind: 'gap', bytes: hole })
      this.nextSeq = first.seq
    }
    this.drain(out)
  }

  private drain(out: StreamChunk[]): void {
    while (this.pending.length > 0) {
      const index = this.earliest()
      const segment = this.pending[index]!
      const offset = seqDiff(segment.seq, this.nextSeq!)
      if (offset > 0) return // a hole before it: wait for the missing bytes
      this.pending.splice(index, 1)
      this.pendingBytes -= segment.data.length
      const skip = -offset
      if (skip >= segment.length) continue // already delivered
      if (skip < segment.data.length) out.push({ kind: 'data', bytes: segment.data.subarray(skip) })
      const missing = segment.length - Math.max(skip, segment.data.length)
      if (missing > 0) out.push({ kind: 'gap', bytes: missing })
      this.nextSeq = (segment.seq + segment.length) >>> 0
    }
  }
}
