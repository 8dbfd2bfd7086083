/**
 * The device side of the negotiation, PROTOCOL.md §7 "Device procedure": on START
 * remember cn and answer RESP(dn || HM(LK, cn)); on FINISH check HM(LK, dn) and switch.
 */
import { CMD } from '@tuya/codec'
import type { FrameHeader } from '@tuya/codec'
import { concatBytes, equalBytes, hmacSha256 } from '@tuya/crypto'
import { isHandshakeCommand } from './commands.ts'
import { MalformedHandshakeError, RepeatedStartError, WrongLocalKeyError } from './errors.ts'
import { NONCE_BYTES } from './protocols.ts'
import { nothing, SessionCore } from './session-core.ts'
import type { SessionStep } from './types.ts'

/** FINISH payload: HMAC-SHA256(LK, device nonce). */
const FINISH_PAYLOAD_BYTES = 32

/** The device role; created by createSession({ role: 'device' }). */
export class DeviceSession extends SessionCore {
  #clientNonce: Uint8Array | undefined
  #deviceNonce: Uint8Array | undefined

  protected onStart(): SessionStep {
    throw new TypeError('start() is for client sessions: a device session answers START in receive()')
  }

  protected onFrame(frame: Uint8Array): SessionStep {
    if (this.state === 'established') return this.#afterHandshake(frame)
    const header = this.readHeader(frame)
    if (header.cmd === CMD.SESS_KEY_NEG_RESP) {
      this.unexpected(header, 'to a device: only devices send RESP; the peer is a device too, or this session has the wrong role')
    }
    if (this.state === 'idle') {
      if (header.cmd === CMD.SESS_KEY_NEG_START) return this.#onStart(frame, header)
      if (header.cmd === CMD.SESS_KEY_NEG_FINISH) this.unexpected(header, 'before START: the client skipped a step; close the connection')
      this.unexpected(
        header,
        `before the handshake: a ${this.version} client must negotiate a session key first (a client that sends data at once is most likely configured for 3.3 or older); close the connection`,
      )
    }
    // awaiting-finish
    if (header.cmd === CMD.SESS_KEY_NEG_FINISH) return this.#onFinish(frame, header)
    if (header.cmd === CMD.SESS_KEY_NEG_START) {
      throw new RepeatedStartError(
        `${this.peer} sent START again before FINISH (seq ${header.seq}): one negotiation per TCP connection; official firmware closes the connection, do the same`,
      )
    }
    return this.unexpected(header, 'before FINISH: nothing but FINISH may follow RESP; close the connection')
  }

  #onStart(frame: Uint8Array, header: FrameHeader): SessionStep {
    const payload = this.decode(frame, header).payload
    if (payload.length < NONCE_BYTES) {
      throw new MalformedHandshakeError(
        `START payload is ${payload.length} bytes, shorter than the 16-byte client nonce: the client does not follow the ${this.version} handshake; close the connection`,
      )
    }
    const clientNonce = payload.slice(0, NONCE_BYTES)
    const deviceNonce = this.takeNonce()
    // The device numbers RESP from its own counter; it never echoes START's seq (PROTOCOL.md §7).
    const resp = this.encode(CMD.SESS_KEY_NEG_RESP, concatBytes(deviceNonce, hmacSha256(this.localCipher, clientNonce)))
    this.#clientNonce = clientNonce
    this.#deviceNonce = deviceNonce
    this.setState('awaiting-finish')
    return { send: [resp], events: [] }
  }

  #onFinish(frame: Uint8Array, header: FrameHeader): SessionStep {
    const payload = this.decode(frame, header).payload
    if (payload.length < FINISH_PAYLOAD_BYTES) {
      throw new MalformedHandshakeError(
        `FINISH payload is ${payload.length} bytes, shorter than its 32-byte HMAC: the client does not follow the ${this.version} handshake; close the connection`,
      )
    }
    const deviceNonce = this.#deviceNonce!
    if (!equalBytes(payload.subarray(0, FINISH_PAYLOAD_BYTES), hmacSha256(this.localCipher, deviceNonce))) {
      throw new WrongLocalKeyError(
        'FINISH is intact but its payload is not HMAC-SHA256(local key, device nonce): the client holds another local key (or the frame is forged); close the connection, as official firmware does',
      )
    }
    // The device switches keys after RECEIVING FINISH and sends nothing back (PROTOCOL.md §7).
    const established = this.establish(this.#clientNonce!, deviceNonce)
    this.#clientNonce = undefined
    this.#deviceNonce = undefined
    return { send: [], events: [established] }
  }

  #afterHandshake(frame: Uint8Array): SessionStep {
    const header = this.peekHeader(frame)
    if (header === undefined || !isHandshakeCommand(header.cmd)) return nothing()
    if (header.cmd === CMD.SESS_KEY_NEG_START) {
      throw new RepeatedStartError(
        `${this.peer} sent START on a connection whose session key is already established (seq ${header.seq}): official firmware closes the connection; close it, the client must reconnect to negotiate again`,
      )
    }
    return this.unexpected(header, 'after the session key was established: the handshake is over; close the connection')
  }
}
