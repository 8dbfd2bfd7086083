/**
 * What the capture readers produce: link-layer packets with their timestamps.
 */
import type { CaptureFormatError } from './errors.ts'

/** One captured packet (a pcap record or a pcapng EPB/SPB/PB). */
export interface CapturePacket {
  /** 0-based packet number in the file. */
  readonly index: number
  /** Byte offset of the record in the file. */
  readonly offset: number
  /** Capture time in microseconds since the Unix epoch (nanosecond files are truncated). */
  readonly timeUs: number
  /** LINKTYPE_* of the interface (1 Ethernet, 0 null, 101 raw IP, 113 SLL, 276 SLL2, ...). */
  readonly linkType: number
  /** The captured bytes: a view into the file. */
  readonly data: Uint8Array
  /** Length of the packet on the wire (>= data.length when the snap length cut it). */
  readonly originalLength: number
}

/** A parsed capture file. */
export interface Capture {
  readonly format: 'pcap' | 'pcapng'
  readonly packets: CapturePacket[]
  /** Set when the file is damaged after some packets: they are kept, reading stopped here. */
  readonly error?: CaptureFormatError
}

/** Largest record accepted (Wireshark's limit for ordinary link types). */
export const MAX_PACKET_BYTES = 262_144

/** Largest capture file accepted. */
export const MAX_CAPTURE_BYTES = 512 * 1024 * 1024
