/**
 * JSON in and out. Requests are serialised compactly by a real serializer (JSON.stringify
 * emits no whitespace), never by deleting spaces from the text, which would also change
 * string values (PROTOCOL.md §8.1, pitfall 18). Replies are parsed strictly.
 */
import { NotJsonError } from './errors.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Serialises a JSON payload compactly.
 *
 * @throws TypeError when the value cannot be serialised (cycles, BigInt, not an object or array)
 */
export function serializeJson(value: unknown, name = 'payload'): string {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an object or an array to serialise as JSON`)
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (cause) {
    throw new TypeError(`${name} cannot be serialised as JSON: ${(cause as Error).message}`, { cause })
  }
  if (text === undefined) throw new TypeError(`${name} cannot be serialised as JSON`)
  return text
}

/** UTF-8 bytes of a string. */
export function textToBytes(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * Writes `text` as UTF-8 into `out[at : at + text.length]` if it is ASCII (one byte per
 * character, as JSON nearly always is), so a frame can be built with its text in place;
 * `out` must have room for that.
 * @returns false, with `out` partly overwritten, when the text has other characters
 */
export function encodeAsciiInto(text: string, out: Uint8Array, at: number): boolean {
  const r = encoder.encodeInto(text, out.subarray(at, at + text.length))
  return r.read === text.length && r.written === text.length
}

/** Decodes UTF-8 strictly; `undefined` when the bytes are not valid UTF-8. */
export function bytesToText(bytes: Uint8Array): string | undefined {
  try {
    return decoder.decode(bytes)
  } catch {
    return undefined
  }
}

/** Whether the first non-whitespace character of `text` opens an object or an array. */
export function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x7b || c === 0x5b) return true
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false
  }
  return false
}

/**
 * Parses JSON text strictly; trailing NUL bytes (seen on UDP payloads, §14.3) are ignored.
 *
 * @throws NotJsonError when the text is not valid JSON
 */
export function parseJson(text: string): unknown {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--
  try {
    return JSON.parse(end === text.length ? text : text.slice(0, end))
  } catch (cause) {
    throw new NotJsonError('payload starts like JSON but does not parse; the device sent damaged JSON (or the key/version is wrong)', { cause })
  }
}
