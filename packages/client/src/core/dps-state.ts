/**
 * The cached DP state of a device and of each gateway child. A snapshot handed out is frozen
 * and never changed afterwards (a change makes a new one), so it stays valid.
 *
 * Snapshots are made when somebody looks: freezing an object whose keys are DP ids (integer
 * keys, which V8 keeps as array elements) costs ~1 µs for four DPs and more for larger
 * devices, on every report that changes something. While nobody reads `state` and no event
 * carries it, reports are written into an unfrozen working copy instead, and the next read
 * freezes that copy once.
 */
import type { Dps } from '@tuya/codec'

const EMPTY: Readonly<Dps> = Object.freeze({})

/** The state of one device or child: its last snapshot, and changes not yet in it. */
class Slot {
  /** The last snapshot handed out (frozen). */
  snapshot: Readonly<Dps> = EMPTY
  /** The current state when it is newer than `snapshot` (owned here, never handed out). */
  working: Dps | undefined
}

/** Merged DP state per cid (`undefined` = the device itself). */
export class DpsCache {
  readonly #own = new Slot()
  #children: Map<string, Slot> | undefined

  /**
   * The current state.
   * @param cid - a gateway child, or undefined for the device itself
   * @returns a frozen object (the same one until a report changes something)
   */
  get(cid?: string): Readonly<Dps> {
    const slot = cid === undefined ? this.#own : this.#children?.get(cid)
    return slot === undefined ? EMPTY : snapshotOf(slot)
  }

  /**
   * Merges reported DPs.
   * @param dps - what the device reported
   * @param cid - whose DPs
   * @param wantSnapshot - whether the caller needs the merged state now (for an event)
   * @returns the new merged state (frozen) when `wantSnapshot`, else undefined
   */
  merge(dps: Dps, cid: string | undefined, wantSnapshot: boolean): Readonly<Dps> | undefined {
    const slot = cid === undefined ? this.#own : this.#child(cid)
    const current = slot.working ?? slot.snapshot
    // A report that repeats the cached values (a status poll, most pushes) changes nothing:
    // no copy, and `state` stays `===` across events that changed nothing.
    if (!repeats(current, dps)) {
      const working = (slot.working ??= { ...slot.snapshot })
      for (const id in dps) working[id] = dps[id]!
    }
    return wantSnapshot ? snapshotOf(slot) : undefined
  }

  #child(cid: string): Slot {
    const children = (this.#children ??= new Map())
    let slot = children.get(cid)
    if (slot === undefined) children.set(cid, (slot = new Slot()))
    return slot
  }
}

/** The slot's current state as a frozen snapshot (freezing the working copy, if any). */
function snapshotOf(slot: Slot): Readonly<Dps> {
  const working = slot.working
  if (working === undefined) return slot.snapshot
  slot.working = undefined
  return (slot.snapshot = Object.freeze(working))
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
