/**
 * What `tuya bridge` prints: on a terminal, a live table (device, online, last change, DPs)
 * redrawn in place at most four times a second under a status line; otherwise one log line per
 * event (`--json`: one JSON object per line). Local keys never reach either.
 */
import type { BridgeDeviceStatus, BridgeLogEntry } from '@tuya/mqtt'
import type { Paint } from '../style.ts'
import { fitLine, timeOfDay } from '../terminal.ts'

/** Counters the status line shows. */
export interface BridgeCounters {
  isBrokerConnected: boolean
  commandsOk: number
  commandsFailed: number
}

/** The view. */
export interface BridgeView {
  log(entry: BridgeLogEntry): void
  /** Something in the table changed (redrawn at the next tick on a terminal). */
  changed(): void
  stop(): void
}

const MAX_ROWS = 30
const REDRAW_MS = 250

function ago(ms: number | undefined, now: number): string {
  if (ms === undefined) return '-'
  const s = Math.max(0, Math.round((now - ms) / 1000))
  return s < 60 ? `${s} s ago` : s < 3600 ? `${Math.floor(s / 60)} min ago` : timeOfDay(ms)
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width)
}

/**
 * The live table, redrawn in place.
 * @param out - writes one line to stdout
 * @param rows - the devices now
 * @param counters - broker state and command counts
 * @param paint - colours
 * @param columns - terminal width
 */
export function liveView(out: (line: string) => void, rows: () => BridgeDeviceStatus[], counters: BridgeCounters, paint: Paint, columns: () => number | undefined): BridgeView {
  let drawn = 0
  let isDirty = true
  const draw = (): void => {
    if (!isDirty) return
    isDirty = false
    const now = Date.now()
    const all = rows()
    const online = all.filter((r) => r.isOnline).length
    // Lines are cut to the terminal's width before they are coloured (escapes take no columns).
    const width = columns()
    const status = `${counters.isBrokerConnected ? 'broker connected' : 'broker disconnected, reconnecting'}  ${online}/${all.length} online  ${counters.commandsOk} commands ok, ${counters.commandsFailed} failed  (Ctrl-C stops)`
    const lines = [
      paint(counters.isBrokerConnected ? 'green' : 'yellow', fitLine(status, width)),
      paint('bold', fitLine(`${fit('DEVICE', 24)}  ${fit('PATH', 40)}  ${fit('ONLINE', 7)}  ${fit('LAST CHANGE', 12)}  DPS`, width)),
      ...all.slice(0, MAX_ROWS).map((r) => {
        const row = fitLine(`${fit(r.name, 24)}  ${fit(r.path, 40)}  ${fit(r.isOnline ? 'yes' : 'no', 7)}  ${fit(ago(r.lastChangeAt, now), 12)}  ${JSON.stringify(r.state)}`, width)
        return r.isOnline ? row : paint('yellow', row)
      }),
    ]
    if (all.length > MAX_ROWS) lines.push(paint('dim', `… and ${all.length - MAX_ROWS} more`))
    // Back to the top of the previous drawing, then each line cleared and written again.
    const up = drawn > 0 ? `\x1b[${drawn}A` : ''
    lines.forEach((line, i) => out(`${i === 0 ? up : ''}\x1b[2K${line}`))
    for (let i = lines.length; i < drawn; i++) out('\x1b[2K')
    drawn = Math.max(drawn, lines.length)
  }
  const timer = setInterval(() => {
    // The "last change" column ages even when nothing happens.
    isDirty = true
    draw()
  }, 1000)
  const fast = setInterval(draw, REDRAW_MS)
  draw()
  return {
    log: () => {},
    changed: () => {
      isDirty = true
    },
    stop: () => {
      clearInterval(timer)
      clearInterval(fast)
      isDirty = true
      draw()
    },
  }
}

/**
 * One line per event, for logs and pipes.
 * @param write - writes one line (stderr for text, stdout for JSON)
 * @param isJson - JSON objects instead of text
 * @param paint - colours
 */
export function logView(write: (line: string) => void, isJson: boolean, paint: Paint): BridgeView {
  const colour = { debug: 'dim', info: 'cyan', warn: 'yellow', error: 'red' } as const
  return {
    log(entry) {
      if (entry.level === 'debug') return
      const now = Date.now()
      if (isJson) write(JSON.stringify({ time: new Date(now).toISOString(), ...entry }))
      else write(`${paint('dim', timeOfDay(now))}  ${paint(colour[entry.level], entry.level.padEnd(5))}  ${entry.device === undefined ? '' : `${entry.device}  `}${entry.message}`)
    },
    changed: () => {},
    stop: () => {},
  }
}
