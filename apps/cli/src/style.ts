/**
 * Terminal colours shared by the commands: used only when stdout is a terminal and NO_COLOR
 * is unset (https://no-color.org), never in `--json` output.
 */

export const ANSI = { dim: '\x1b[2m', bold: '\x1b[1m', red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', cyan: '\x1b[36m', magenta: '\x1b[35m', reset: '\x1b[0m' } as const

/** Wraps text in one colour or style. */
export type Paint = (code: keyof typeof ANSI, text: string) => string

/**
 * A painter that colours when `isColor`, and returns the text unchanged otherwise.
 * @param isColor - whether to emit ANSI escapes
 * @returns the painter
 */
export function painter(isColor: boolean): Paint {
  return isColor ? (code, text) => `${ANSI[code]}${text}${ANSI.reset}` : (_code, text) => text
}

/**
 * Whether this process should colour its stdout: a terminal, and NO_COLOR unset or empty.
 * @param isDisabled - the command's own `--no-color` (or `--json`)
 */
export function shouldColor(isDisabled = false): boolean {
  return !isDisabled && process.stdout.isTTY === true && (process.env['NO_COLOR'] ?? '') === ''
}
