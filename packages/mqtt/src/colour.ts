/**
 * Tuya's two colour encodings (`colour_data` and `colour_data_v2` DPs):
 *
 * - `hsv12` (`colour_data_v2`): `hhhhssssvvvv` in hex, h 0-360, s and v 0-1000;
 * - `rgbhsv14` (`colour_data`): `rrggbbhhhhssvv` in hex, RGB 0-255, h 0-360, s and v 0-255.
 *
 * (tinytuya `BulbDevice` reads and writes the same two layouts.) Colours here are
 * `{ h: 0-360, s: 0-100, v: 0-100 }`: degrees and percent, whatever the device's encoding.
 */

/** A colour: hue in degrees (0-360), saturation and value in percent (0-100). */
export interface Hsv {
  readonly h: number
  readonly s: number
  readonly v: number
}

/** The two encodings. */
export type ColourFormat = 'hsv12' | 'rgbhsv14'

const hex = (n: number, width: number): string => Math.round(n).toString(16).padStart(width, '0')

function hsvToRgb({ h, s, v }: Hsv): [number, number, number] {
  const sat = s / 100
  const val = v / 100
  const c = val * sat
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1))
  const m = val - c
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x]
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255]
}

/**
 * Checks a colour.
 * @throws RangeError naming the component out of range
 */
export function checkHsv(colour: Hsv): Hsv {
  if (typeof colour !== 'object' || colour === null) throw new TypeError('colour must be { h, s, v }')
  const { h, s, v } = colour
  if (typeof h !== 'number' || !(h >= 0 && h <= 360)) throw new RangeError(`colour.h must be a hue from 0 to 360 degrees, got ${String(h)}`)
  if (typeof s !== 'number' || !(s >= 0 && s <= 100)) throw new RangeError(`colour.s must be a saturation from 0 to 100 %, got ${String(s)}`)
  if (typeof v !== 'number' || !(v >= 0 && v <= 100)) throw new RangeError(`colour.v must be a value (brightness) from 0 to 100 %, got ${String(v)}`)
  return { h, s, v }
}

/**
 * Encodes a colour for a colour DP.
 * @param colour - h 0-360, s and v 0-100
 * @param format - the DP's encoding
 * @returns the DP value (lower-case hex)
 * @throws RangeError for a component out of range
 * @example encodeColour({ h: 120, s: 100, v: 50 }, 'hsv12') // '007803e801f4'
 */
export function encodeColour(colour: Hsv, format: ColourFormat): string {
  const { h, s, v } = checkHsv(colour)
  if (format === 'hsv12') return `${hex(h, 4)}${hex(s * 10, 4)}${hex(v * 10, 4)}`
  const [r, g, b] = hsvToRgb({ h, s, v })
  return `${hex(r, 2)}${hex(g, 2)}${hex(b, 2)}${hex(h, 4)}${hex((s * 255) / 100, 2)}${hex((v * 255) / 100, 2)}`
}

/**
 * Decodes a colour DP value; the layout is told by its length when it disagrees with `format`
 * (some firmware reports a v2 value on a DP the cloud calls `colour_data`).
 * @param value - the DP value
 * @param format - the DP's encoding, as the profile says
 * @returns the colour, or undefined when the value is neither layout
 */
export function decodeColour(value: unknown, format: ColourFormat): Hsv | undefined {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]+$/.test(value)) return undefined
  const actual = value.length === 12 ? 'hsv12' : value.length === 14 ? 'rgbhsv14' : undefined
  const used = actual ?? format
  const part = (start: number, width: number): number => Number.parseInt(value.slice(start, start + width), 16)
  const round = (n: number): number => Math.round(n * 10) / 10
  if (used === 'hsv12' && value.length === 12) return { h: Math.min(360, part(0, 4)), s: round(Math.min(1000, part(4, 4)) / 10), v: round(Math.min(1000, part(8, 4)) / 10) }
  if (used === 'rgbhsv14' && value.length === 14) return { h: Math.min(360, part(6, 4)), s: round((part(10, 2) * 100) / 255), v: round((part(12, 2) * 100) / 255) }
  return undefined
}
