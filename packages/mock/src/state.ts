/**
 * The data points of a simulated device (and, for a gateway, of each sub-device), shared by
 * every connection. Pure: no I/O, no events; callers decide what to push.
 */
import type { Dps, DpValue } from '@tuya/codec'

/** A sub-device of a simulated gateway. */
export interface SubdeviceState {
  dps: Dps
  /** Whether the gateway reports it as reachable (`subdev_online_stat_query`). */
  isOnline: boolean
}

function isDpValue(value: unknown): value is DpValue {
  return typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
}

/**
 * Checks a DP map given by a caller.
 * @param dps - data points by id
 * @param name - the parameter name used in errors
 * @returns a copy of `dps`
 * @throws TypeError if it is not an object of booleans, finite numbers or strings
 */
export function checkDps(dps: unknown, name = 'dps'): Dps {
  if (typeof dps !== 'object' || dps === null || Array.isArray(dps)) throw new TypeError(`${name} must be an object of DP values, such as {"1": true}`)
  const out: Dps = {}
  for (const [id, value] of Object.entries(dps)) {
    if (!isDpValue(value)) throw new TypeError(`${name}["${id}"] must be a boolean, a finite number or a string`)
    out[id] = value
  }
  return out
}

/** The DP store of a device: its own DPs and, for a gateway, those of each child by `cid`. */
export class DpStore {
  readonly #own: Dps
  readonly #children = new Map<string, SubdeviceState>()
  readonly #acceptsUnknownDps: boolean

  /**
   * @param own - the device's own DPs
   * @param children - sub-devices by cid (gateways only)
   * @param acceptsUnknownDps - whether a client may create DPs the device does not have
   */
  constructor(own: Dps, children: Record<string, Dps> = {}, acceptsUnknownDps = false) {
    this.#own = { ...own }
    for (const [cid, dps] of Object.entries(children)) this.#children.set(cid, { dps: { ...dps }, isOnline: true })
    this.#acceptsUnknownDps = acceptsUnknownDps
  }

  /** Whether `cid` names a known sub-device (undefined = the device itself, always known). */
  has(cid?: string): boolean {
    return cid === undefined || this.#children.has(cid)
  }

  /**
   * The DPs of the device (or of child `cid`) themselves, not a copy: read them (serialise a
   * reply) at once, never keep or change them. Undefined for an unknown child.
   */
  view(cid?: string): Readonly<Dps> | undefined {
    return this.#target(cid)
  }

  /** A copy of the DPs of the device (or of child `cid`), or undefined for an unknown child. */
  get(cid?: string): Dps | undefined {
    if (cid === undefined) return { ...this.#own }
    const child = this.#children.get(cid)
    return child === undefined ? undefined : { ...child.dps }
  }

  /** The known sub-device ids, in insertion order. */
  cids(): string[] {
    return [...this.#children.keys()]
  }

  /** Online and offline sub-devices, as the gateway reports them. */
  presence(): { online: string[]; offline: string[] } {
    const online: string[] = []
    const offline: string[] = []
    for (const [cid, child] of this.#children) (child.isOnline ? online : offline).push(cid)
    return { online, offline }
  }

  /** Adds a sub-device or replaces its DPs. */
  setChild(cid: string, dps: Dps, isOnline = true): void {
    this.#children.set(cid, { dps: { ...dps }, isOnline })
  }

  /** Marks a sub-device online or offline; returns false for an unknown cid. */
  setOnline(cid: string, isOnline: boolean): boolean {
    const child = this.#children.get(cid)
    if (child === undefined) return false
    child.isOnline = isOnline
    return true
  }

  /**
   * Applies a client's CONTROL: writes every non-null value the device has (or every value,
   * if unknown DPs are accepted). Null values are read requests (device22) and change nothing.
   * @returns `written`: the DPs written, with their new values; `report`: what the STATUS push
   *   reports, the current values of the DPs read that the device has, then the DPs written
   *   (the same object as `written` when nothing was read); each undefined when empty
   */
  applyControl(dps: Dps, cid?: string): { written: Dps | undefined; report: Dps | undefined } {
    const target = this.#target(cid)
    let written: Dps | undefined
    let read: Dps | undefined
    if (target !== undefined) {
      for (const id of Object.keys(dps)) {
        const value = dps[id] as DpValue
        if (value === null) {
          if (id in target) (read ??= {})[id] = target[id] as DpValue
          continue
        }
        if (!(id in target) && !this.#acceptsUnknownDps) continue // real devices ignore DPs they do not have
        target[id] = value
        ;(written ??= {})[id] = value
      }
    }
    return { written, report: read === undefined ? written : { ...read, ...written } }
  }

  /** Applies a device-side change (a button press): every DP is written, new ids included. */
  applyLocal(dps: Dps, cid?: string): Dps {
    const target = this.#target(cid)
    if (target === undefined) return {}
    Object.assign(target, dps)
    return { ...dps }
  }

  /** The current values of `ids` that the device (or child) has; others are left out. */
  pick(ids: Iterable<string>, cid?: string): Dps {
    const target = this.#target(cid)
    const out: Dps = {}
    if (target === undefined) return out
    for (const id of ids) if (id in target) out[id] = target[id] as DpValue
    return out
  }

  #target(cid: string | undefined): Dps | undefined {
    return cid === undefined ? this.#own : this.#children.get(cid)?.dps
  }
}
