/**
 * What the device commands (scan, get, set, watch) need from the terminal: whether stdout and
 * stderr are terminals, the environment (NO_COLOR, TUYA_DEVICES), and a spinner line for
 * anything that waits. Injected, so tests can pretend to be a terminal.
 */

/** The terminal as the commands see it. */
export interface TerminalDeps {
  /** stdout is a terminal: colours, live tables. */
  isStdoutTty(): boolean
  /** stderr is a terminal: spinners. */
  isStderrTty(): boolean
  /** Environment: NO_COLOR, TUYA_DEVICES, XDG_CONFIG_HOME. */
  readonly env: Readonly<Record<string, string | undefined>>
  /** Width of the terminal, when known (redrawn lines must not wrap). */
  columns?(): number | undefined
}

/** The real process. */
export const PROCESS_TERMINAL: TerminalDeps = {
  isStdoutTty: () => process.stdout.isTTY === true,
  isStderrTty: () => process.stderr.isTTY === true,
  columns: () => process.stdout.columns ?? process.stderr.columns,
  get env() {
    return process.env
  },
}

/**
 * Whether to colour stdout: a terminal, NO_COLOR unset or empty, and not disabled by the
 * command (`--json`, `--no-color`).
 * @param terminal - the terminal
 * @param isDisabled - the command's own opt-out
 */
export function isColorOn(terminal: TerminalDeps, isDisabled: boolean): boolean {
  return !isDisabled && terminal.isStdoutTty() && (terminal.env['NO_COLOR'] ?? '') === ''
}

/** Frames of the spinner. */
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'] as const

/**
 * Cuts a line that is redrawn in place to the terminal's width: a wrapped line would break
 * the redraw (it moves up one line only).
 * @param text - plain text (no escapes)
 * @param columns - the terminal width, if known (80 otherwise)
 */
export function fitLine(text: string, columns: number | undefined): string {
  const width = Math.max(20, (columns ?? 80) - 1)
  const chars = [...text]
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text
}

/** Moves to the line just written (each output call ends with a newline) and clears it. */
export const REWRITE_LAST_LINE = '\x1b[1A\x1b[2K'

const SPIN_MS = 100

/** A line that says what is being waited for. */
export interface Progress {
  /** Changes the text (shown at the next frame on a terminal; ignored otherwise). */
  update(text: string): void
  /** Removes the spinner line (terminal) and stops its timer. Idempotent. */
  stop(): void
}

/**
 * Shows `text` while something is waited for. On a terminal: a spinner line that is redrawn
 * in place and erased by `stop()`. Elsewhere: `text` once, as a plain line, when `isAnnounced`
 * (so logs say what took the time), else nothing.
 * @param write - writes one line (the command's stderr)
 * @param text - what is being waited for
 * @param options - isLive (stderr is a terminal), isAnnounced (print the line when not live)
 * @returns the handle to update and stop it
 */
export function startProgress(write: (line: string) => void, text: string, options: { readonly isLive: boolean; readonly isAnnounced?: boolean; readonly columns?: number | undefined }): Progress {
  if (!options.isLive) {
    if (options.isAnnounced === true) write(text)
    return { update: () => {}, stop: () => {} }
  }
  let frame = 0
  let current = text
  let isStopped = false
  const line = () => fitLine(`${SPINNER[frame]} ${current}`, options.columns)
  write(line())
  const timer = setInterval(() => {
    frame = (frame + 1) % SPINNER.length
    write(`${REWRITE_LAST_LINE}${line()}`)
  }, SPIN_MS)
  return {
    update(next) {
      current = next
    },
    stop() {
      if (isStopped) return
      isStopped = true
      clearInterval(timer)
      // Clear the spinner line, go one further up; the newline of `write` lands on the cleared line.
      write(`${REWRITE_LAST_LINE}\x1b[1A`)
    },
  }
}

/**
 * The local time of day with milliseconds, for event lines.
 * @param ms - ms since the epoch
 * @returns `HH:MM:SS.mmm`
 */
export function timeOfDay(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`
}

/**
 * Resolves when `signal` aborts or after `ms` (Infinity: only the signal).
 * @param ms - how long to wait at most
 * @param signal - stops the wait early
 * @returns `'aborted'` or `'elapsed'`
 */
export function waitUntil(ms: number, signal: AbortSignal): Promise<'aborted' | 'elapsed'> {
  if (signal.aborted) return Promise.resolve('aborted')
  return new Promise((resolve) => {
    const onAbort = () => {
      if (timer !== undefined) clearTimeout(timer)
      resolve('aborted')
    }
    const timer = Number.isFinite(ms)
      ? setTimeout(() => {
          signal.removeEventListener('abort', onAbort)
          resolve('elapsed')
        }, ms)
      : undefined
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
