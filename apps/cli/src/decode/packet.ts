/**
 * Link layer, IPv4/IPv6 and TCP/UDP headers: one captured packet in, one TCP segment or UDP
 * datagram out (or undefined for anything else: ARP, ICMP, IP fragments, damaged headers).
 * Link types: Ethernet (1, with VLAN tags), BSD null/loopback (0, 108), raw IP (101, 12, 14,
 * 228 IPv4, 229 IPv6), Linux cooked SLL (113) and SLL2 (276).
 */

/** An address and port, as printed: `192.168.1.50:6668`, `[fe80::1]:6668`. */
export interface Endpoint {
  readonly address: string
  readonly port: number
}

/** A TCP segment; `payloadLength` is the length on the wire (more than `payload` when the snap length cut it). */
export interface TcpSegment {
  readonly kind: 'tcp'
  readonly src: Endpoint
  readonly dst: Endpoint
  readonly seq: number
  readonly ack: number
  readonly isSyn: boolean
  readonly isAck: boolean
  readonly isFin: boolean
  readonly isRst: boolean
  readonly payload: Uint8Array
  readonly payloadLength: number
}

/** A UDP datagram. */
export interface UdpDatagram {
  readonly kind: 'udp'
  readonly src: Endpoint
  readonly dst: Endpoint
  readonly payload: Uint8Array
  readonly payloadLength: number
}

const ETHERTYPE_IPV4 = 0x0800
const ETHERTYPE_IPV6 = 0x86dd
const VLAN_TAGS = new Set([0x8100, 0x88a8, 0x9100])

function u16(b: Uint8Array, i: number): number {
  return (b[i]! << 8) | b[i + 1]!
}

function u32(b: Uint8Array, i: number): number {
  return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0
}

/** Returns the IP packet inside a link-layer frame, or undefined when it carries something else. */
function networkPayload(linkType: number, data: Uint8Array): Uint8Array | undefined {
  switch (linkType) {
    case 1: {
      // Ethernet II: dst(6) src(6) type(2), with up to two VLAN tags of 4 bytes.
      let at = 12
      for (let tags = 0; tags < 3 && data.length >= at + 2 && VLAN_TAGS.has(u16(data, at)); tags++) at += 4
      if (data.length < at + 2) return undefined
      const type = u16(data, at)
      return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? data.subarray(at + 2) : undefined
    }
    case 0:
    case 108: {
      // BSD loopback: a 4-byte address family, host byte order (0) or network order (108).
      if (data.length < 4) return undefined
      const be = u32(data, 0)
      const le = (data[0]! | (data[1]! << 8) | (data[2]! << 16) | (data[3]! << 24)) >>> 0
      const family = linkType === 108 ? be : Math.min(be, le)
      return family === 2 || family === 24 || family === 28 || family === 30 ? data.subarray(4) : undefined
    }
    case 12:
    case 14:
    case 101:
    case 228:
    case 229:
      return data
    case 113: {
      // Linux cooked v1: type(2) arphrd(2) addrlen(2) addr(8) protocol(2).
      if (data.length < 16) return undefined
      const type = u16(data, 14)
      return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? data.subarray(16) : undefined
    }
    case 276: {
      // Linux cooked v2: protocol(2) reserved(2) ifindex(4) arphrd(2) pkttype(1) addrlen(1) addr(8).
      if (data.length < 20) return undefined
      const type = u16(data, 0)
      return type === ETHERTYPE_IPV4 || type === ETHERTYPE_IPV6 ? data.subarray(20) : undefined
    }
    default:
      return undefined
  }
}

function ipv6ToString(b: Uint8Array): string {
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(u16(b, i))
  // Compress the longest run (>= 2) of zero groups, as RFC 5952 says.
  let bestStart = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      bestStart = i
      bestLength = j - i
    }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (bestStart === -1) return hex.join(':')
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`
}

interface IpPayload {
  readonly protocol: number
  readonly src: string
  readonly dst: string
  readonly payload: Uint8Array
  /** Length of the transport segment on the wire. */
  readonly payloadLength: number
}

function parseIpv4(ip: Uint8Array): IpPayload | undefined {
  if (ip.length < 20 || ip[0]! >> 4 !== 4) return undefined
  const headerLength = (ip[0]! & 0x0f) * 4
  if (headerLength < 20 || headerLength > ip.length) return undefined
  // Segmentation offload writes a total length of 0: then the captured size is all we know.
  const totalLength = u16(ip, 2) === 0 ? ip.length : u16(ip, 2)
  if (totalLength < headerLength) return undefined
  const fragment = u16(ip, 6)
  if ((fragment & 0x2000) !== 0 || (fragment & 0x1fff) !== 0) return undefined // fragments are not reassembled
  const end = Math.min(totalLength, ip.length) // Ethernet padding past totalLength is dropped
  return {
    protocol: ip[9]!,
    src: `${ip[12]}.${ip[13]}.${ip[14]}.${ip[15]}`,
    dst: `${ip[16]}.${ip[17]}.${ip[18]}.${ip[19]}`,
    payload: ip.subarray(headerLength, end),
    payloadLength: totalLength - headerLength,
  }
}

function parseIpv6(ip: Uint8Array): IpPayload | undefined {
  if (ip.length < 40 || ip[0]! >> 4 !== 6) return undefined
  const payloadLength = u16(ip, 4) === 0 ? ip.length - 40 : u16(ip, 4) // 0: jumbogram or offload
  let next = ip[6]!
  let at = 40
  // Skip extension headers: hop-by-hop (0), routing (43), fragment (44), destination (60), AH (51).
  for (let hops = 0; hops < 8; hops++) {
    if (next === 0 || next === 43 || next === 60) {
      if (ip.length < at + 2) return undefined
      const length = (ip[at + 1]! + 1) * 8
      next = ip[at]!
      at += length
    } else if (next === 44) {
      if (ip.length < at + 8) return undefined
      if ((u16(ip, at + 2) & 0xfff9) !== 0) return undefined // a real fragment: not reassembled
      next = ip[at]!
      at += 8
    } else if (next === 51) {
      if (ip.length < at + 2) return undefined
      const length = (ip[at + 1]! + 2) * 4
      next = ip[at]!
      at += length
    } else break
  }
  const total = 40 + payloadLength
  if (at > ip.length || at > total) return undefined
  return {
    protocol: next,
    src: ipv6ToString(ip.subarray(8, 24)),
    dst: ipv6ToString(ip.subarray(24, 40)),
    payload: ip.subarray(at, Math.min(total, ip.length)),
    payloadLength: total - at,
  }
}

/**
 * Parses one captured packet down to TCP or UDP.
 * @param linkType - the interface's LINKTYPE_* value
 * @param data - the captured bytes
 * @returns the segment or datagram, or undefined for other traffic and damaged headers
 */
export function parsePacket(linkType: number, data: Uint8Array): TcpSegment | UdpDatagram | undefined {
  const network = networkPayload(linkType, data)
  if (network === undefined || network.length < 1) return undefined
  const version = network[0]! >> 4
  const ip = version === 4 ? parseIpv4(network) : version === 6 ? parseIpv6(network) : undefined
  if (ip === undefined) return undefined
  const t = ip.payload
  if (ip.protocol === 6) {
    if (t.length < 20) return undefined
    const headerLength = (t[12]! >> 4) * 4
    if (headerLength < 20 || headerLength > t.length || headerLength > ip.payloadLength) return undefined
    const flags = t[13]!
    return {
      kind: 'tcp',
      src: { address: ip.src, port: u16(t, 0) },
      dst: { address: ip.dst, port: u16(t, 2) },
      seq: u32(t, 4),
      ack: u32(t, 8),
      isFin: (flags & 0x01) !== 0,
      isSyn: (flags & 0x02) !== 0,
      isRst: (flags & 0x04) !== 0,
      isAck: (flags & 0x10) !== 0,
      payload: t.subarray(headerLength),
      payloadLength: ip.payloadLength - headerLength,
    }
  }
  if (ip.protocol === 17) {
    if (t.length < 8) return undefined
    const length = u16(t, 4)
    const payloadLength = length >= 8 ? Math.min(length, ip.payloadLength) - 8 : ip.payloadLength - 8
    return {
      kind: 'udp',
      src: { address: ip.src, port: u16(t, 0) },
      dst: { address: ip.dst, port: u16(t, 2) },
      payload: t.subarray(8, 8 + Math.max(0, Math.min(payloadLength, t.length - 8))),
      payloadLength: Math.max(0, payloadLength),
    }
  }
  return undefined
}

/**
 * Formats an endpoint for output.
 * @param endpoint - address and port
 * @returns `1.2.3.4:6668` or `[::1]:6668`
 */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.address.includes(':') ? `[${endpoint.address}]:${endpoint.port}` : `${endpoint.address}:${endpoint.port}`
}
