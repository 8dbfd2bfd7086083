/**
 * What a device profile says: what each DP means (`dps`), and the entities built from them
 * (`entities`: a light, a cover, a sensor...). Home Assistant discovery, the entity topics and
 * the typed helpers all read the same profile.
 */

/** How a DP's value is typed on the wire (Tuya's data types, as tinytuya's mapping names them). */
export type DpType = 'bool' | 'value' | 'enum' | 'string' | 'json' | 'raw' | 'bitmap'

/** What one DP means. */
export interface DpSpec {
  /** Tuya's standard code (`switch_led`, `bright_value_v2`, `cur_power`...), when known. */
  readonly code?: string
  readonly type: DpType
  /** A human name (defaults to one made from the code or the DP id). */
  readonly name?: string
  /** `value` DPs: the range and step, in device units (before `scale`). */
  readonly min?: number
  readonly max?: number
  readonly step?: number
  /** `value` DPs: the device value is the real value times 10^scale (`cur_power` scale 1: 1234 is 123.4 W). */
  readonly scale?: number
  /** Unit of the real value (`W`, `V`, `mA`, `kWh`, `°C`, `%`). */
  readonly unit?: string
  /** `enum` DPs: the values the device takes. */
  readonly values?: readonly string[]
  /** The DP only reports (a measurement): no `set` is accepted for it. */
  readonly isReadOnly?: boolean
}

/** A switch: one bool DP. */
export interface SwitchEntity { readonly kind: 'switch'; readonly key: string; readonly name?: string; readonly dp: string }
/** A light: on/off, and where the device has them brightness, colour temperature, HS colour and its work mode. */
export interface LightEntity {
  readonly kind: 'light'
  readonly key: string
  readonly name?: string
  readonly switch: string
  readonly brightness?: string
  readonly colourTemp?: string
  /** The colour DP; `colourFormat` says its encoding. */
  readonly colour?: string
  /** `hsv12`: `hhhhssssvvvv` (h 0-360, s and v 0-1000; `colour_data_v2`); `rgbhsv14`: `rrggbbhhhhssvv` (s and v 0-255; `colour_data`). */
  readonly colourFormat?: 'hsv12' | 'rgbhsv14'
  /** The `work_mode` DP (`white`, `colour`, ...). */
  readonly mode?: string
  /** Kelvin at colour temperature 0 (warmest) and at its maximum. Default 2700 and 6500. */
  readonly minKelvin?: number
  readonly maxKelvin?: number
}
/** A cover: open/close/stop on an enum DP, and a position where the device has one. */
export interface CoverEntity {
  readonly kind: 'cover'
  readonly key: string
  readonly name?: string
  readonly control?: string
  /** The DP to set a position (0-100) on. */
  readonly position?: string
  /** The DP the device reports its position on (defaults to `position`). */
  readonly positionState?: string
}
/** A thermostat: target and current temperature, on/off, and a mode enum (presets). */
export interface ClimateEntity {
  readonly kind: 'climate'
  readonly key: string
  readonly name?: string
  readonly target?: string
  readonly current?: string
  readonly switch?: string
  readonly mode?: string
}
/** A measurement (or any read-only DP). */
export interface SensorEntity {
  readonly kind: 'sensor' | 'binary_sensor'
  readonly key: string
  readonly name?: string
  readonly dp: string
  /** Home Assistant's device class (`power`, `voltage`, `current`, `energy`, `temperature`). */
  readonly deviceClass?: string
  /** HA state class (`measurement`, `total_increasing`). */
  readonly stateClass?: string
}
/** A settable number, or a settable enum (select). */
export interface NumberEntity { readonly kind: 'number' | 'select'; readonly key: string; readonly name?: string; readonly dp: string }

/** One entity of a device. */
export type Entity = SwitchEntity | LightEntity | CoverEntity | ClimateEntity | SensorEntity | NumberEntity

/** The kinds of entity. */
export type EntityKind = Entity['kind']

/** A device profile: its DPs and the entities made of them. */
export interface DeviceProfile {
  readonly dps: Readonly<Record<string, DpSpec>>
  readonly entities: readonly Entity[]
}
