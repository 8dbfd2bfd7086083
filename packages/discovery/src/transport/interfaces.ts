/**
 * Local IPv4 interfaces (`node:os`): which address devices should answer a solicitation to,
 * and which broadcast addresses a caller may choose from. Never sends anything.
 */
import { networkInterfaces } from 'node:os'

/** One IPv4 interface with its broadcast address. */
export interface BroadcastAddress {
  /** Interface name, such as `eth0`. */
  interface: string
  /** This host's address on it. */
  address: string
  netmask: string
  /** The subnet's broadcast address (send solicitations here). */
  broadcast: string
  /** Loopback and similar. */
  isInternal: boolean
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, part) => ((n << 8) | Number(part)) >>> 0, 0)
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')
}

/**
 * Lists this host's IPv4 interfaces with their broadcast addresses (for a `--broadcast` choice).
 * @returns the interfaces, non-internal ones first
 */
export function listBroadcastAddresses(): BroadcastAddress[] {
  const out: BroadcastAddress[] = []
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    for (const entry of entries ?? []) {
      // Node 18.0-18.3 reported family as a number; everything later, Bun and Deno use 'IPv4'.
      if (entry.family !== 'IPv4' && (entry.family as unknown) !== 4) continue
      const mask = toInt(entry.netmask)
      out.push({
        interface: name,
        address: entry.address,
        netmask: entry.netmask,
        broadcast: toIp((toInt(entry.address) | ~mask) >>> 0),
        isInternal: entry.internal,
      })
    }
  }
  return out.sort((a, b) => Number(a.isInternal) - Number(b.isInternal))
}

/**
 * This host's IPv4 address on the network that `destination` belongs to: the interface whose
 * subnet contains it (or whose broadcast address it is); for `255.255.255.255` the first
 * non-internal interface; for 127.x loopback.
 * @param destination - where the solicitation goes
 * @returns the address, or undefined when no interface fits
 */
export function localAddressFor(destination: string): string | undefined {
  if (destination.startsWith('127.')) return '127.0.0.1'
  const interfaces = listBroadcastAddresses()
  if (destination === '255.255.255.255') return interfaces.find((i) => !i.isInternal)?.address
  const dest = toInt(destination)
  const match = interfaces.find((i) => {
    const mask = toInt(i.netmask)
    return ((toInt(i.address) & mask) >>> 0) === ((dest & mask) >>> 0)
  })
  return match?.address
}
