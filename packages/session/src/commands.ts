/**
 * Which commands belong to the negotiation.
 */
import { CMD } from '@tuya/codec'

/**
 * Whether `cmd` is one of the three negotiation commands: SESS_KEY_NEG_START (3),
 * SESS_KEY_NEG_RESP (4) or SESS_KEY_NEG_FINISH (5). Such frames always use the local key;
 * route them to {@link Session.receive}.
 *
 * @param cmd - the frame's cmd (from `readFrameHeader`)
 * @returns true for 3, 4 and 5
 * @example isHandshakeCommand(readFrameHeader(frame).cmd)
 */
export function isHandshakeCommand(cmd: number): boolean {
  return cmd === CMD.SESS_KEY_NEG_START || cmd === CMD.SESS_KEY_NEG_RESP || cmd === CMD.SESS_KEY_NEG_FINISH
}
