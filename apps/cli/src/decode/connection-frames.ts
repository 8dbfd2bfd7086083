/**
 * From a reassembled TCP connection to its frames: each direction goes through its own
 * @tuya/codec Deframer; gaps reset it, skipped junk and incomplete tails become notices.
 * Also decides which side is the device.
 */
import { DEFAULT_MAX_FRAME_BYTES, Deframer } from '@tuya/codec'
import type { Side, TcpConnection } from './tcp-connections.ts'

/** A frame or a notice of one connection, in stream order. */
export type ConnectionItem =
  | { readonly type: 'frame'; readonly timeUs: number; readonly side: Side; readonly bytes: Uint8Array }
  | { readonly type: 'notice'; readonly timeUs: number; readonly side: Side; readonly level: 'info' | 'warning'; readonly message: string }

/**
 * Splits both directions of a connection into frames.
 * @param connection - a reassembled connection
 * @param maxFrameBytes - the Deframer's bound
 * @returns frames and notices in capture order
 */
export function connectionItems(connection: TcpConnection, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): ConnectionItem[] {
  const items: ConnectionItem[] = []
  // Junk is reported once per run: the Deframer keeps a possible partial prefix, so one run
  // of junk can be discarded over several pushes.
  const junk = [0, 1].map(() => ({ bytes: 0, code: '', timeUs: 0 }))
  let side: Side = 0
  let timeUs = 0
  const deframers = [0, 1].map(() => new Deframer({ maxFrameBytes, onDiscard: ({ bytes, error }) => {
    const run = junk[side]!
    if (run.bytes === 0) run.timeUs = timeUs
    run.bytes += bytes
    run.code = error.code
  } }))
  const flushJunk = (s: Side): void => {
    const run = junk[s]!
    if (run.bytes === 0) return
    items.push({ type: 'notice', timeUs: run.timeUs, side: s, level: 'warning', message: `skipped ${run.bytes} bytes that are not a frame (${run.code})` })
    run.bytes = 0
  }
  for (const event of connection.events) {
    side = event.side
    timeUs = event.timeUs
    const deframer = deframers[side]!
    if (event.chunk.kind === 'gap') {
      flushJunk(side)
      deframer.reset()
      items.push({ type: 'notice', timeUs, side, level: 'warning', message: `${event.chunk.bytes} bytes missing from the capture; frames across the gap are lost` })
      continue
    }
    const frames = deframer.push(event.chunk.bytes)
    if (frames.length > 0) flushJunk(side)
    for (const bytes of frames) items.push({ type: 'frame', timeUs, side, bytes })
  }
  const endTime = connection.events.at(-1)?.timeUs ?? connection.firstTimeUs
  deframers.forEach((deframer, s) => {
    flushJunk(s as Side)
    if (deframer.bufferedBytes > 0) {
      items.push({ type: 'notice', timeUs: endTime, side: s as Side, level: 'warning', message: `${deframer.bufferedBytes} bytes at the end of the stream are an incomplete frame` })
    }
  })
  return items
}

/** Which side is the device, and why. */
export interface DeviceSide {
  readonly side: Side
  readonly reason: string
}

/**
 * Decides which endpoint is the device: the SYN-ACK sender, else the SYN receiver, else
 * `--device-port`, else port 6668, else a known device address, else the side that did not
 * speak first (clients speak first).
 * @param connection - the connection
 * @param items - its frames
 * @param devicePort - `--device-port`
 * @param knownAddresses - addresses of devices from devices.json and beacons
 * @returns the device side and the reason
 */
export function deviceSideOf(connection: TcpConnection, items: readonly ConnectionItem[], devicePort?: number, knownAddresses?: ReadonlySet<string>): DeviceSide {
  if (connection.synAckFrom !== undefined) return { side: connection.synAckFrom, reason: 'it sent the SYN-ACK' }
  if (connection.synFrom !== undefined) return { side: (1 - connection.synFrom) as Side, reason: 'it received the SYN' }
  const [a, b] = connection.endpoints
  const byPort = (port: number): Side | undefined => (a.port === port && b.port !== port ? 0 : b.port === port && a.port !== port ? 1 : undefined)
  if (devicePort !== undefined) {
    const side = byPort(devicePort)
    if (side !== undefined) return { side, reason: `--device-port ${devicePort}` }
  }
  const side6668 = byPort(6668)
  if (side6668 !== undefined) return { side: side6668, reason: 'port 6668' }
  if (knownAddresses !== undefined) {
    const isA = knownAddresses.has(a.address)
    const isB = knownAddresses.has(b.address)
    if (isA !== isB) return { side: isA ? 0 : 1, reason: 'a known device address' }
  }
  const first = items.find((i) => i.type === 'frame')
  const side = first === undefined ? 1 : ((1 - first.side) as Side)
  return { side, reason: 'guessed: the client speaks first (use --device-port)' }
}
