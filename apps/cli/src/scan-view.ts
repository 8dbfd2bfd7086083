/**
 * How `tuya scan` shows devices as they appear: a live table on a terminal (rows as devices
 * appear, a spinner line with the count redrawn below them), plain rows otherwise, one JSON
 * object per line with `--json`. Names and keys come from devices.json, matched by id.
 */
import type { DeviceUpdate, DiscoveredDevice } from '@tuya/discovery'
import type { DeviceEntry } from './devices-file.ts'
import type { Paint } from './style.ts'
import { fitLine, REWRITE_LAST_LINE, SPINNER } from './terminal.ts'

/** One scan result line as `--json` prints it. */
export interface ScanJsonLine {
  change: 'new' | 'updated'
  id: string
  /** From devices.json, or null. */
  name: string | null
  ip: string
  version: string | null
  productKey: string | null
  isEncrypted: boolean
  /** devices.json has a local key for this id. */
  hasKey: boolean
  /** Only with `--show-keys`. */
  key?: string
  /** Sub-devices devices.json lists under this gateway. */
  subdevices: number
  /** Where the datagram came from, `address:port`. */
  source: string
  /** The payload's ip differs from the sender's address. */
  hasIpMismatch: boolean
  firstSeen: string
}

/** What the view needs to know about the scan. */
export interface ScanViewOptions {
  readonly out: (line: string) => void
  readonly err: (line: string) => void
  readonly paint: Paint
  readonly known: ReadonlyMap<string, DeviceEntry>
  readonly subdevices: ReadonlyMap<string, number>
  readonly isShowKeys: boolean
  /** `listening on UDP ...` text for the status line. */
  readonly listening: string
  /** ms since the epoch when the scan ends; Infinity for no limit. */
  readonly endsAtMs: number
  /** Terminal width, if known. */
  readonly columns?: number | undefined
}

/** The three views share this interface. */
export interface ScanView {
  start(): void
  device(update: DeviceUpdate): void
  /** Redraws the spinner line (live view only). */
  tick(): void
  finish(summary: string[]): void
}

const WIDTHS = { name: 24, id: 22, ip: 15, version: 3, productKey: 16 } as const

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width)
}

/**
 * The JSON line of a device.
 * @param update - the discovery update
 * @param options - devices.json entries, sub-device counts, whether to include keys
 */
export function scanJsonLine(update: DeviceUpdate, options: Pick<ScanViewOptions, 'known' | 'subdevices' | 'isShowKeys'>): ScanJsonLine {
  const d = update.device
  const entry = options.known.get(d.id)
  return {
    change: update.change,
    id: d.id,
    name: entry?.name ?? null,
    ip: d.ip,
    version: d.version ?? null,
    productKey: d.productKey ?? null,
    isEncrypted: d.isEncrypted,
    hasKey: entry?.key !== undefined,
    ...(options.isShowKeys && entry?.key !== undefined ? { key: entry.key } : {}),
    subdevices: options.subdevices.get(d.id) ?? 0,
    source: `${d.source.address}:${d.source.port}`,
    hasIpMismatch: d.hasIpMismatch,
    firstSeen: new Date(d.firstSeenMs).toISOString(),
  }
}

function header(options: ScanViewOptions): string {
  const { paint } = options
  const keyTitle = options.isShowKeys ? 'LOCAL KEY' : 'KEY'
  return paint('bold', [fit('NAME', WIDTHS.name), fit('ID', WIDTHS.id), fit('IP', WIDTHS.ip), fit('VER', WIDTHS.version), fit('PRODUCT KEY', WIDTHS.productKey), keyTitle].join('  '))
}

function row(update: DeviceUpdate, options: ScanViewOptions): string {
  const { paint } = options
  const d: DiscoveredDevice = update.device
  const entry = options.known.get(d.id)
  const children = options.subdevices.get(d.id) ?? 0
  const name = entry === undefined ? paint('dim', fit('(not in devices.json)', WIDTHS.name)) : paint('green', fit(entry.name, WIDTHS.name))
  const key = entry?.key === undefined ? paint('dim', 'no') : options.isShowKeys ? entry.key : 'yes'
  const notes = [
    update.change === 'updated' ? paint('yellow', 'updated') : '',
    children > 0 ? `gateway, ${children} sub-device${children === 1 ? '' : 's'}` : '',
    d.hasIpMismatch ? paint('yellow', `sent from ${d.source.address}`) : '',
  ].filter((n) => n !== '')
  return [name, fit(d.id, WIDTHS.id), fit(d.ip, WIDTHS.ip), paint('cyan', fit(d.version ?? '?', WIDTHS.version)), fit(d.productKey ?? '-', WIDTHS.productKey), key + (notes.length === 0 ? '' : `  (${notes.join('; ')})`)].join('  ')
}

function countText(count: number): string {
  return `${count} device${count === 1 ? '' : 's'}`
}

/** One JSON object per line on stdout; the listening notice and summary on stderr. */
export function jsonView(options: ScanViewOptions): ScanView {
  return {
    start: () => options.err(`tuya scan: ${options.listening}`),
    device: (update) => options.out(JSON.stringify(scanJsonLine(update, options))),
    tick: () => {},
    finish: (summary) => summary.forEach((line) => options.err(`tuya scan: ${line}`)),
  }
}

/** Rows on stdout as devices appear (no escapes); notices on stderr. */
export function plainView(options: ScanViewOptions): ScanView {
  return {
    start() {
      options.err(`tuya scan: ${options.listening}`)
      options.out(header(options))
    },
    device: (update) => options.out(row(update, options)),
    tick: () => {},
    finish: (summary) => summary.forEach((line) => options.err(`tuya scan: ${line}`)),
  }
}

/** A terminal: rows above, a spinner line with the count below, redrawn in place. */
export function liveView(options: ScanViewOptions): ScanView {
  let frame = 0
  let count = 0
  const status = (): string => {
    const left = Number.isFinite(options.endsAtMs) ? ` · ${Math.max(0, Math.ceil((options.endsAtMs - Date.now()) / 1000))} s left` : ''
    const head = `${SPINNER[frame]} ${countText(count)}`
    const tail = fitLine(`${head} · ${options.listening}${left} · Ctrl-C stops`, options.columns).slice(head.length)
    return `${options.paint('cyan', SPINNER[frame]!)} ${options.paint('bold', countText(count))}${tail}`
  }
  return {
    start() {
      options.out(header(options))
      options.out(status())
    },
    device(update) {
      if (update.change === 'new') count++
      options.out(`${REWRITE_LAST_LINE}${row(update, options)}\n${status()}`)
    },
    tick() {
      frame = (frame + 1) % SPINNER.length
      options.out(`${REWRITE_LAST_LINE}${status()}`)
    },
    finish(summary) {
      const [first, ...rest] = summary
      options.out(`${REWRITE_LAST_LINE}${first ?? ''}`)
      for (const line of rest) options.out(line)
    },
  }
}
