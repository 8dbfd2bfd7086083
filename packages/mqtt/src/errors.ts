/**
 * Errors of the bridge and the profiles. Each class is one failure a caller can act on, with a
 * stable `code`, branded through `TuyaError` so `instanceof` survives duplicate installs.
 */
import { TuyaError } from '@tuya/client'

/** Base of this package's errors. */
export class MqttBridgeError extends TuyaError {
  static override readonly code: string = 'TUYA_ERR_MQTT'
  static override readonly scope: string = '@tuya/mqtt'
}

/**
 * A command payload (on a `set` topic, or given to a typed helper) is not one the device can
 * take: not JSON, an unknown DP, a value of the wrong type or out of range. Nothing was sent.
 */
export class CommandError extends MqttBridgeError {
  static override readonly code: string = 'TUYA_ERR_BAD_COMMAND'
}

/** A command names a device the bridge does not have. Nothing was sent. */
export class UnknownDeviceError extends MqttBridgeError {
  static override readonly code: string = 'TUYA_ERR_UNKNOWN_DEVICE'
}

/** A profile (a tinytuya mapping or a YAML profile file) cannot be used; the message says where and why. */
export class ProfileError extends MqttBridgeError {
  static override readonly code: string = 'TUYA_ERR_PROFILE'
}

/** The profile has no entity of the kind a typed helper needs (`createLight` on a plug). */
export class NoSuchEntityError extends MqttBridgeError {
  static override readonly code: string = 'TUYA_ERR_NO_SUCH_ENTITY'
}
