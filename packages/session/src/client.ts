/**
 * The client (controller) side of the negotiation, PROTOCOL.md §7 "Client procedure":
 * START(cn) -> verify RESP's HM(LK, cn) -> FINISH(HM(LK, dn)) -> switch to the session key.
 */
import { CMD } from '@tuya/codec'
import { equalBytes, hmacSha256 } from '@tuya/crypto'
import { MalformedHandshakeError, RepeatedStartError, WrongLocalKeyError } from './errors.ts'
import { NONCE_BYTES } from './protocols.ts'
import { nothing, SessionCore } from './session-core.ts'
import { isHandshakeCommand } from './commands.ts'
import type { FrameHeader } from '@tuya/codec'
import type { SessionStep } from './types.ts'

/** RESP payload: device nonce (16) || HMAC-SHA256(LK, client nonce) (32). */
const RESP_PAYLOAD_BYTES = NONCE_BYTES + 32

/** The client role; created by createSession({ role: 'client' }). */
export class ClientSession extends SessionCore {
  #clientNonce: Uint8Array | undefined

  protected onStart(): SessionStep {
    if (this.state !== 'idle') {
      throw new RepeatedStartError(
        `start() was called on a session that is already ${this.state}: one negotiation per TCP connection (official firmware closes a connection that sends START twice); reconnect and create a new session`,
      )
    }
    const clientNonce = this.takeNonce()
    const start = this.encode(CMD.SESS_KEY_NEG_START, clientNonce)
    this.#clientNonce = clientNonce
    this.setState('awaiting-resp')
    return { send: [start], events: [] }
  }

  protected onFrame(frame: Uint8Array): SessionStep {
    if (this.state === 'established') return this.#afterHandshake(frame)
    const header = this.readHeader(frame)
    if (header.cmd === CMD.SESS_KEY_NEG_START || header.cmd === CMD.SESS_KEY_NEG_FINISH) {
      this.unexpected(header, 'to a client: only clients send START and FINISH; the peer is a client too, or this session has the wrong role')
    }
    if (this.state === 'idle') {
      this.unexpected(header, 'before start(): a device does not speak first on 3.4/3.5; call start() and send START before reading')
    }
    if (header.cmd !== CMD.SESS_KEY_NEG_RESP) {
      this.unexpected(header, `while the client waits for RESP (cmd 4): the device does not run the ${this.version} handshake; check the protocol version`)
    }
    return this.#onResp(frame, header)
  }

  #onResp(frame: Uint8Array, header: FrameHeader): SessionStep {
    const decoded = this.decode(frame, header)
    const payload = decoded.payload
    // An empty frame is an acknowledgement, not an answer; the reference client skips it too.
    if (payload.length === 0) return nothing()
    if (payload.length < RESP_PAYLOAD_BYTES) {
      throw new MalformedHandshakeError(
        `RESP payload is ${payload.length} bytes, shorter than 48 (device nonce 16 + HMAC 32) (retcode ${decoded.retcode ?? 'none'}): the device does not follow the ${this.version} handshake; do not send FINISH, close the connection and check the protocol version`,
      )
    }
    const clientNonce = this.#clientNonce!
    const proof = payload.subarray(NONCE_BYTES, RESP_PAYLOAD_BYTES)
    if (!equalBytes(proof, hmacSha256(this.localCipher, clientNonce))) {
      throw new WrongLocalKeyError(
        'RESP is intact but bytes 16..47 of its payload are not HMAC-SHA256(local key, client nonce): the device holds another local key (or the answer is forged); do not send FINISH, close the connection and check the local key',
      )
    }
    const deviceNonce = payload.slice(0, NONCE_BYTES)
    const finish = this.encode(CMD.SESS_KEY_NEG_FINISH, hmacSha256(this.localCipher, deviceNonce))
    // The client switches keys after SENDING FINISH (PROTOCOL.md §7): FINISH itself is under LK.
    const established = this.establish(clientNonce, deviceNonce)
    this.#clientNonce = undefined
    return { send: [finish], events: [established] }
  }

  #afterHandshake(frame: Uint8Array): SessionStep {
    const header = this.peekHeader(frame)
    if (header === undefined || !isHandshakeCommand(header.cmd)) return nothing()
    return this.unexpected(
      header,
      header.cmd === CMD.SESS_KEY_NEG_RESP
        ? 'again after the session key was established: one negotiation per connection; close the connection'
        : 'to a client after the handshake: only clients send START and FINISH; close the connection',
    )
  }
}
