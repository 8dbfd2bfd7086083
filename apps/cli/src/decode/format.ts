/**
 * Renders records: human lines (`12:00:01.234  #1  client→device  seq=3  CONTROL_NEW  {...}`),
 * coloured only when asked (a TTY without NO_COLOR), or one JSON object per frame.
 */
import type { DecodeRecord, FrameRecord, NoticeRecord } from './records.ts'
import { painter, type Paint } from '../style.ts'

/** How to render. */
export interface FormatOptions {
  /** ANSI colours. */
  readonly isColor?: boolean
  /** Times in UTC instead of local time. */
  readonly isUtc?: boolean
}


/**
 * Formats a capture time.
 * @param timeUs - microseconds since the epoch
 * @param isUtc - UTC instead of local time
 * @returns `HH:MM:SS.mmm`
 */
export function formatTime(timeUs: number, isUtc = false): string {
  const date = new Date(Math.floor(timeUs / 1000))
  const parts = isUtc
    ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getHours(), date.getMinutes(), date.getSeconds()]
  const ms = isUtc ? date.getUTCMilliseconds() : date.getMilliseconds()
  return `${parts.map((n) => String(n).padStart(2, '0')).join(':')}.${String(ms).padStart(3, '0')}`
}

/**
 * An ISO 8601 UTC time with microseconds.
 * @param timeUs - microseconds since the epoch
 * @returns e.g. `2024-01-01T12:00:01.234567Z`
 */
export function isoTime(timeUs: number): string {
  const iso = new Date(Math.floor(timeUs / 1000)).toISOString() // ...T12:00:01.234Z
  const micros = String(((timeUs % 1000) + 1000) % 1000).padStart(3, '0')
  return `${iso.slice(0, -1)}${micros}Z`
}

function arrow(frame: FrameRecord): string {
  if (frame.transport === 'udp') return frame.direction === 'toDevice' ? 'client→any' : 'device→any'
  if (frame.direction === 'toDevice') return 'client→device'
  if (frame.direction === 'fromDevice') return 'device→client'
  return '?→?'
}

function prefix(record: DecodeRecord, paint: Paint, isUtc: boolean): string[] {
  const cols: string[] = []
  if (record.timeUs !== undefined) cols.push(paint('dim', formatTime(record.timeUs, isUtc)))
  if (record.connection !== undefined) cols.push(record.connection)
  return cols
}

/**
 * One human line for a frame.
 * @param frame - the record
 * @param options - colours, UTC
 * @returns the line
 */
export function formatFrameLine(frame: FrameRecord, options: FormatOptions = {}): string {
  const paint = painter(options.isColor === true)
  const cols = prefix(frame, paint, options.isUtc === true)
  const dir = arrow(frame)
  cols.push(paint(frame.direction === 'fromDevice' ? 'green' : 'cyan', dir))
  if (frame.transport === 'udp' && frame.src !== undefined) cols.push(`${frame.src}→${frame.dst ?? '?'}`)
  if (frame.transport !== 'tcp' && frame.version !== undefined) cols.push(`v${frame.version}${frame.isVersionGuessed === true ? '?' : ''}`)
  if (frame.seq !== undefined) cols.push(`seq=${frame.seq}`)
  if (frame.cmdName !== undefined) cols.push(paint('bold', frame.cmdName))
  if (frame.retcode !== undefined && frame.error === undefined) cols.push(frame.retcode === 0 ? 'retcode=0' : paint('yellow', `retcode=${frame.retcode}`))
  if (frame.error !== undefined) cols.push(paint('red', `error: ${frame.error.message}`))
  else if (frame.probe !== undefined) cols.push(paint('dim', frame.info ?? `version probe (${frame.probe})`), ...(frame.json === undefined ? [] : [JSON.stringify(frame.json)]))
  else if (frame.info !== undefined) cols.push(frame.info)
  else if (frame.isAck === true) cols.push(paint('dim', 'ack'))
  else if (frame.text !== undefined) cols.push(frame.json !== undefined ? JSON.stringify(frame.json) : JSON.stringify(frame.text))
  else if (frame.payloadHex !== undefined) cols.push(`0x${frame.payloadHex}`)
  return cols.join('  ')
}

/**
 * One human line for a notice.
 * @param notice - the record
 * @param options - colours, UTC
 * @returns the line
 */
export function formatNoticeLine(notice: NoticeRecord, options: FormatOptions = {}): string {
  const paint = painter(options.isColor === true)
  const cols = prefix(notice, paint, options.isUtc === true)
  cols.push(notice.level === 'warning' ? paint('yellow', `! ${notice.message}`) : paint('magenta', `* ${notice.message}`))
  return cols.join('  ')
}

/**
 * The `--json` object of a frame: stable field names, null for absent values.
 * @param frame - the record
 * @returns a JSON-serialisable object
 */
export function frameToJson(frame: FrameRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    time: frame.timeUs === undefined ? null : isoTime(frame.timeUs),
    connection: frame.connection ?? null,
    transport: frame.transport,
    src: frame.src ?? null,
    dst: frame.dst ?? null,
    direction: frame.direction ?? null,
    seq: frame.seq ?? null,
    cmd: frame.cmd ?? null,
    cmdName: frame.cmdName ?? null,
    retcode: frame.retcode ?? null,
    version: frame.version ?? null,
    versionGuessed: frame.isVersionGuessed === true,
    ack: frame.isAck === true,
    text: frame.text ?? null,
    json: frame.json ?? null,
    error: frame.error ?? null,
    bytes: frame.byteLength,
  }
  if (frame.payloadHex !== undefined) out['payloadHex'] = frame.payloadHex
  if (frame.info !== undefined) out['info'] = frame.info
  if (frame.probe !== undefined) out['probe'] = frame.probe
  if (frame.session !== undefined) {
    out['sessionKeyDerived'] = true
    if (frame.session.keyHex !== undefined) out['sessionKey'] = frame.session.keyHex
  }
  return out
}
