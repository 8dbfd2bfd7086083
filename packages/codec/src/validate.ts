/**
 * Argument checks shared by the public functions: bad arguments are TypeError/RangeError
 * naming the parameter (STYLE.md, noble `abytes`).
 */
import type { Direction } from './types.ts'

/** Checks an unsigned 32-bit integer argument. */
export function checkU32(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number, got ${value === null ? 'null' : typeof value}`)
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${name} must be an unsigned 32-bit integer, got ${value}`)
  return value
}

/** Checks a direction argument, defaulting when undefined. */
export function checkDirection(value: unknown, fallback: Direction): Direction {
  if (value === undefined) return fallback
  if (value !== 'toDevice' && value !== 'fromDevice') throw new RangeError(`direction must be 'toDevice' or 'fromDevice', got ${String(value)}`)
  return value
}

/** Checks an options object. */
export function checkOptions(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an options object`)
}

/** Checks a frame size ceiling. */
export function checkMaxFrameBytes(value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 24) {
    throw new RangeError(`maxFrameBytes must be an integer >= 24 (the smallest frame), got ${String(value)}`)
  }
  return value
}
