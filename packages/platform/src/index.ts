/**
 * @packageDocumentation
 * The runtime helpers that `@tuya/client`, `@tuya/discovery` and `@tuya/mock` share, so each
 * exists once: a typed `EventTarget` ({@link TypedEventTarget}, {@link waitForEvent}), the
 * system clock and timers ({@link systemClock}, {@link startTimer}, {@link startInterval},
 * {@link delay}, {@link monotonicNow}) and Deno's `--allow-net` check
 * ({@link assertNetPermission}). No dependencies; runs on Node, Bun and Deno. Randomness lives
 * in `@tuya/crypto` (`defaultRandom`).
 *
 * @example
 * ```ts
 * import { TypedEventTarget, waitForEvent } from '@tuya/platform'
 *
 * class Lamp extends TypedEventTarget<{ change: { isOn: boolean } }> {
 *   turnOn(): void {
 *     this.emit('change', { isOn: true })
 *   }
 * }
 *
 * const lamp = new Lamp()
 * const next = waitForEvent(lamp, 'change', { timeoutMs: 1000 })
 * lamp.turnOn()
 * console.log((await next).isOn) // true
 * ```
 */
export { TypedEventTarget, waitForEvent } from './events.ts'
export type { AddListenerOptions, RemoveListenerOptions, TypedListener, WaitForEventOptions } from './events.ts'
export { delay, monotonicNow, startInterval, startTimer, systemClock } from './clock.ts'
export type { Clock, Timer, TimerOptions } from './clock.ts'
export { assertNetPermission } from './permission.ts'
