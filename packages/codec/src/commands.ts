/**
 * The command table (PROTOCOL.md §4) and the version-header rule (§5.1).
 */

/**
 * Every command number of the Tuya LAN protocol by name (PROTOCOL.md §4).
 * LAN_EXT_STREAM is 0x40 as in Tuya's SDK headers (tuyapi's 40 is wrong, §17).
 */
export const CMD = Object.freeze({
  UDP: 0,
  AP_CONFIG: 1,
  ACTIVE: 2,
  SESS_KEY_NEG_START: 3,
  SESS_KEY_NEG_RESP: 4,
  SESS_KEY_NEG_FINISH: 5,
  UNBIND: 6,
  CONTROL: 7,
  STATUS: 8,
  HEART_BEAT: 9,
  DP_QUERY: 10,
  QUERY_WIFI: 11,
  TOKEN_BIND: 12,
  CONTROL_NEW: 13,
  ENABLE_WIFI: 14,
  WIFI_INFO: 15,
  DP_QUERY_NEW: 16,
  SCENE_EXECUTE: 17,
  UPDATEDPS: 18,
  UDP_NEW: 19,
  AP_CONFIG_NEW: 20,
  LAN_P2P_SIGNAL: 32,
  BOARDCAST_LPV34: 35,
  REG_CENTER: 36,
  REQ_DEVINFO: 37,
  LAN_UPD_LOG: 48,
  LAN_EXT_STREAM: 64,
  LAN_EXT_BEFORE_ACTIVATE: 66,
} as const)

/** Name of a known command, such as `'CONTROL'`. */
export type CommandName = keyof typeof CMD

const NAMES: string[] = []
for (const [name, value] of Object.entries(CMD)) NAMES[value] = name

/**
 * The name of a command number from the table, or `UNKNOWN_0x..` for numbers outside it.
 *
 * @param cmd - the cmd field of a frame (an unsigned 32-bit integer)
 * @returns e.g. `'CONTROL'` for 7, `'UNKNOWN_0x99'` for 0x99
 * @throws RangeError when `cmd` is not an unsigned 32-bit integer
 * @example commandName(CMD.DP_QUERY_NEW) // 'DP_QUERY_NEW'
 */
export function commandName(cmd: number): string {
  const known = NAMES[cmd]
  if (known !== undefined) return known
  if (!Number.isInteger(cmd) || cmd < 0 || cmd > 0xffffffff) throw new RangeError(`cmd must be an unsigned 32-bit integer, got ${String(cmd)}`)
  return `UNKNOWN_0x${cmd.toString(16).toUpperCase().padStart(2, '0')}`
}

/**
 * Commands whose client payload never carries the 15-byte version header (PROTOCOL.md §5.1):
 * DP_QUERY, DP_QUERY_NEW, UPDATEDPS, HEART_BEAT, the three negotiation frames and LAN_EXT_STREAM.
 */
export const NO_VERSION_HEADER_CMDS: ReadonlySet<number> = new Set([
  CMD.DP_QUERY,
  CMD.DP_QUERY_NEW,
  CMD.UPDATEDPS,
  CMD.HEART_BEAT,
  CMD.SESS_KEY_NEG_START,
  CMD.SESS_KEY_NEG_RESP,
  CMD.SESS_KEY_NEG_FINISH,
  CMD.LAN_EXT_STREAM,
])

/** The three session-key negotiation commands of 3.4/3.5 (PROTOCOL.md §7). */
export const HANDSHAKE_CMDS: ReadonlySet<number> = new Set([CMD.SESS_KEY_NEG_START, CMD.SESS_KEY_NEG_RESP, CMD.SESS_KEY_NEG_FINISH])
