/**
 * The cached DP state of a device and of each gateway child. A snapshot handed out is frozen
 * and never changed afterwards (a change makes a new one), so it stays valid.
 */
import type { Dps } from '@tuya/codec'

const EMPTY: Readonly<Dps> = Object.freeze({})

/** Merged DP state per cid (`undefined` = the device itself). */
export class DpsCache {
  #own: Readonly<Dps> = EMPTY
  #children: Map<string, Readonly<Dps>> | undefined

  /**
   * The current state.
   * @param cid - a gateway child, or undefined for the device itself
   * @returns a frozen object (the same one until a report changes something)
   */
  get(cid?: string): Readonly<Dps> {
    return (cid === undefined ? this.#own : this.#children?.get(cid)) ?? EMPTY
  }

  /**
   * Merges reported DPs.
   * @param dps - what the device reported
   * @param cid - whose DPs
   * @returns the new merged state (frozen)
   */
  merge(dps: Dps, cid: string | undefined): Readonly<Dps> {
    const current = this.get(cid)
    // A report that repeats the cached values (a status poll, most pushes) changes nothing:
    // `state` stays `===` across events that changed nothing.
    if (repeats(current, dps)) return current
    const next = Object.freeze({ ...current, ...dps })
    if (cid === undefined) this.#own = next
    else (this.#children ??= new Map()).set(cid, next)
    return next
  }
}

/** Whether every DP in `dps` already has that (primitive-equal) value in `current`. */
function repeats(current: Readonly<Dps>, dps: Dps): boolean {
  for (const id in dps) {
    const value = current[id]
    // JSON has no NaN, so `===` is Object.is here; undefined may mean "absent" (then not a repeat).
    if (value !== dps[id] || (value === undefined && !Object.hasOwn(current, id))) return false
  }
  return true
}
