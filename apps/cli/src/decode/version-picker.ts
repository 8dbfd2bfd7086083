/**
 * Which version each frame of a conversation is decoded in, when `--version` does not say:
 * a hint from devices.json or a beacon while the frames do not contradict it, else the
 * frames' own evidence, the device's frames first (a client may probe several versions, the
 * device answers only in its own).
 */
import type { Direction, ProtocolVersion } from '@tuya/codec'
import { guessVersion, isVersionPlausible } from './version-guess.ts'

/** The version picked for one frame. */
export interface PickedVersion {
  readonly version?: ProtocolVersion
  /** True when it was guessed from the bytes (not given, not from a plausible hint). */
  readonly isGuessed: boolean
}

/** Picks the version frame by frame for one conversation. */
export class VersionPicker {
  private readonly given: ProtocolVersion | undefined
  private readonly isGivenGuessed: boolean
  private readonly hint: ProtocolVersion | undefined
  private currentVersion: ProtocolVersion | undefined
  /** The version of the device's frames so far (when directions are known). */
  private deviceVersion: ProtocolVersion | undefined

  /**
   * @param given - the version to use for every frame (`--version`, or resolved for a whole connection)
   * @param isGivenGuessed - whether `given` was itself resolved from the bytes
   * @param hint - a version to use while the frames do not contradict it
   */
  constructor(given: ProtocolVersion | undefined, isGivenGuessed: boolean, hint: ProtocolVersion | undefined) {
    this.given = given
    this.isGivenGuessed = isGivenGuessed
    this.hint = hint
    this.currentVersion = given
  }

  /** The version of the last frame (or the given one). */
  get current(): ProtocolVersion | undefined {
    return this.currentVersion
  }

  /**
   * The version of the next frame.
   * @param bytes - one complete frame
   * @param direction - who sent it, when known
   */
  pick(bytes: Uint8Array, direction: Direction | undefined): PickedVersion {
    if (this.given !== undefined) return { version: this.given, isGuessed: this.isGivenGuessed }
    const hint = this.hint
    if (hint !== undefined && isVersionPlausible(bytes, hint)) {
      this.currentVersion = hint
      return { version: hint, isGuessed: false }
    }
    const guess = guessVersion(bytes, direction)
    if (direction === 'fromDevice' && guess !== undefined) {
      // The device answers only in its own version (a client may probe several): its frames decide.
      if (this.deviceVersion === undefined || guess.isCertain || !isVersionPlausible(bytes, this.deviceVersion)) this.deviceVersion = guess.version
      this.currentVersion = this.deviceVersion
    } else if (this.deviceVersion !== undefined && direction === 'toDevice') {
      this.currentVersion = isVersionPlausible(bytes, this.deviceVersion) ? this.deviceVersion : (guess?.version ?? this.deviceVersion)
    } else if (guess !== undefined && (this.currentVersion === undefined || guess.isCertain)) {
      // Each frame's own certain guess wins (hex lines may mix devices); a weak one only fills in.
      this.currentVersion = guess.version
    }
    return { ...(this.currentVersion === undefined ? {} : { version: this.currentVersion }), isGuessed: true }
  }
}
