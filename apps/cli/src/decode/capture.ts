/**
 * Capture files in: detects classic pcap or pcapng by the magic number.
 */
import { type Capture, MAX_CAPTURE_BYTES } from './capture-types.ts'
import { CaptureFormatError, CaptureTooLargeError } from './errors.ts'
import { isPcap, readPcap } from './pcap.ts'
import { isPcapng, readPcapng } from './pcapng.ts'

/**
 * Whether the bytes look like a capture file (pcap or pcapng), by their magic number.
 * @param bytes - the first bytes of a file or of stdin
 * @returns true for pcap and pcapng
 */
export function isCapture(bytes: Uint8Array): boolean {
  return isPcap(bytes) || isPcapng(bytes)
}

/**
 * Reads a pcap or pcapng file.
 * @param bytes - the whole file
 * @returns its format and packets; `error` is set when the file is damaged after some packets
 * @throws CaptureFormatError when it is neither format or its header is unusable; CaptureTooLargeError past 512 MiB
 */
export function readCapture(bytes: Uint8Array): Capture {
  if (bytes.length > MAX_CAPTURE_BYTES) throw new CaptureTooLargeError(`capture of ${bytes.length} bytes exceeds the ${MAX_CAPTURE_BYTES}-byte limit; cut it with editcap`, 0)
  if (isPcapng(bytes)) return readPcapng(bytes)
  if (isPcap(bytes)) return readPcap(bytes)
  throw new CaptureFormatError('not a pcap or pcapng file (unknown magic number); save the capture as pcap or pcapng', 0)
}
