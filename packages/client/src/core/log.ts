/**
 * Debug output through a logger hook. Frame dumps are the wire bytes (encrypted where the
 * protocol encrypts) and the decoded payload text; neither ever holds a key.
 */
import { bytesToHex } from '@tuya/crypto'
import { commandName } from '@tuya/codec'

/** Severity of a log entry. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** A frame in a log entry. */
export interface LogFrame {
  direction: 'out' | 'in'
  cmd: number
  /** The command's name, such as `CONTROL`. */
  name: string
  /** Size of the frame on the wire. */
  bytes: number
  /** The frame as it travelled, in hex (ciphertext where the protocol encrypts; never a key). */
  hex: string
  /** The payload as text (JSON or an error text), when known. */
  text?: string
}

/** One log entry. */
export interface LogEntry {
  level: LogLevel
  /** The device id. */
  deviceId: string
  message: string
  /** For frame dumps (level `debug`). */
  frame?: LogFrame
  error?: Error
}

/** Receives log entries; called synchronously, keep it cheap. */
export type Logger = (entry: LogEntry) => void

/**
 * Builds a frame dump entry.
 * @param deviceId - the device
 * @param direction - out (to the device) or in
 * @param cmd - command number
 * @param bytes - the frame as on the wire (may be empty for frames known only decoded)
 * @param text - the payload text
 */
export function frameEntry(deviceId: string, direction: 'out' | 'in', cmd: number, bytes: Uint8Array, text: string | undefined): LogEntry {
  const frame: LogFrame = { direction, cmd, name: commandName(cmd), bytes: bytes.length, hex: bytesToHex(bytes) }
  if (text !== undefined) frame.text = text
  return { level: 'debug', deviceId, message: `${direction === 'out' ? '->' : '<-'} ${frame.name} (${bytes.length} bytes)`, frame }
}
