/**
 * Groups TCP segments into connections (by 4-tuple; a fresh SYN after the old connection
 * carried data or closed starts a new one) and reassembles both directions of each.
 */
import { type Endpoint, formatEndpoint, type TcpSegment } from './packet.ts'
import { HalfStream, type StreamChunk } from './tcp-reassembly.ts'

/** Side 0 is the endpoint that sent the first packet seen on the connection. */
export type Side = 0 | 1

/** One delivered chunk of one direction, at the capture time of the packet that completed it. */
export interface TcpStreamEvent {
  readonly timeUs: number
  /** Who sent these bytes. */
  readonly side: Side
  readonly chunk: StreamChunk
}

/** A reassembled TCP connection. */
export interface TcpConnection {
  /** 1-based, in order of first appearance. */
  readonly id: number
  readonly endpoints: readonly [Endpoint, Endpoint]
  /** The side that sent a SYN without ACK (the client), when captured. */
  readonly synFrom?: Side
  /** The side that sent SYN+ACK (the server), when captured. */
  readonly synAckFrom?: Side
  readonly firstTimeUs: number
  /** Both directions' data and gaps, in capture order. */
  readonly events: TcpStreamEvent[]
}

interface State {
  id: number
  endpoints: [Endpoint, Endpoint]
  synFrom?: Side
  synAckFrom?: Side
  clientIsn?: number
  firstTimeUs: number
  lastTimeUs: number
  halves: [HalfStream, HalfStream]
  events: TcpStreamEvent[]
  hasData: boolean
  isClosed: boolean
}

function key(a: Endpoint, b: Endpoint): string {
  const x = formatEndpoint(a)
  const y = formatEndpoint(b)
  return x < y ? `${x} ${y}` : `${y} ${x}`
}

function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.address === b.address && a.port === b.port
}

/** Feeds segments in capture order; {@link finish} returns the connections. */
export class TcpConnectionTracker {
  private readonly active = new Map<string, State>()
  private readonly all: State[] = []
  private readonly maxPendingBytes: number | undefined

  /** @param maxPendingBytes - bound on out-of-order bytes per direction */
  constructor(maxPendingBytes?: number) {
    this.maxPendingBytes = maxPendingBytes
  }

  private open(segment: TcpSegment, timeUs: number): State {
    const state: State = {
      id: this.all.length + 1,
      endpoints: [segment.src, segment.dst],
      firstTimeUs: timeUs,
      lastTimeUs: timeUs,
      halves: [new HalfStream(this.maxPendingBytes), new HalfStream(this.maxPendingBytes)],
      events: [],
      hasData: false,
      isClosed: false,
    }
    this.all.push(state)
    return state
  }

  /**
   * One TCP segment, in capture order.
   * @param segment - the parsed segment
   * @param timeUs - its capture time
   */
  add(segment: TcpSegment, timeUs: number): void {
    const k = key(segment.src, segment.dst)
    let state = this.active.get(k)
    const isOpening = segment.isSyn && !segment.isAck
    if (state !== undefined && isOpening) {
      const isRetransmittedSyn = state.clientIsn === segment.seq && !state.hasData && !state.isClosed
      if (!isRetransmittedSyn) {
        this.flushState(state)
        state = undefined
      }
    }
    if (state === undefined) {
      state = this.open(segment, timeUs)
      this.active.set(k, state)
    }
    state.lastTimeUs = timeUs
    const side: Side = sameEndpoint(segment.src, state.endpoints[0]) ? 0 : 1
    const half = state.halves[side]
    if (segment.isSyn) {
      if (segment.isAck) state.synAckFrom ??= side
      else {
        state.synFrom ??= side
        state.clientIsn ??= segment.seq
      }
      half.syn(segment.seq)
    }
    if (segment.isRst) state.isClosed = true
    if (segment.payloadLength > 0) {
      // Data on a SYN (TCP Fast Open) starts at seq + 1.
      const seq = segment.isSyn ? (segment.seq + 1) >>> 0 : segment.seq
      for (const chunk of half.push(seq, segment.payload, segment.payloadLength)) {
        state.events.push({ timeUs, side, chunk })
        state.hasData = true
      }
    }
    if (segment.isFin) state.isClosed = true
  }

  private flushState(state: State): void {
    for (const side of [0, 1] as const) {
      for (const chunk of state.halves[side].flush()) state.events.push({ timeUs: state.lastTimeUs, side, chunk })
    }
  }

  /**
   * End of the capture: flushes buffered out-of-order data (holes become gaps).
   * @returns every connection, in order of first appearance
   */
  finish(): TcpConnection[] {
    for (const state of this.active.values()) this.flushState(state)
    this.active.clear()
    return this.all.map((s) => ({
      id: s.id,
      endpoints: s.endpoints,
      firstTimeUs: s.firstTimeUs,
      events: s.events,
      ...(s.synFrom === undefined ? {} : { synFrom: s.synFrom }),
      ...(s.synAckFrom === undefined ? {} : { synAckFrom: s.synAckFrom }),
    }))
  }
}
