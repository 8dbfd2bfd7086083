/**
 * The 3.4/3.5 session-key negotiation as a pure state machine: first both roles in memory
 * (no sockets, no clock), then the client role against a simulated 3.5 device over TCP.
 *
 *   node --import tsx examples/handshake.ts   |   bun examples/handshake.ts   |   deno run -A examples/handshake.ts
 */
import { connect } from 'node:net'
import { decodeFrame, Deframer, encodeFrame } from '@tuya/codec'
import { bytesToHex } from '@tuya/crypto'
import { createMockDevice } from '@tuya/mock'
import { createSession } from '@tuya/session'

const localKey = '0123456789abcdef'

// 1. In memory: START -> RESP -> FINISH; both sides derive the same session key.
const client = createSession({ role: 'client', version: '3.5', localKey })
const device = createSession({ role: 'device', version: '3.5', localKey })
const [start] = client.start().send
const [resp] = device.receive(start!).send
const [finish] = client.receive(resp!).send
device.receive(finish!)
const same = bytesToHex(client.sessionKey!) === bytesToHex(device.sessionKey!)
console.log(`in memory: ${client.state} / ${device.state}, same session key: ${same}`)

// 2. Over TCP against a simulated 3.5 device: the same three frames, then a query under the session key.
await using mock = await createMockDevice({ version: '3.5', id: 'bf1234567890abcdefgh', localKey, dps: { '20': true, '21': 'white' } })
const socket = connect({ host: '127.0.0.1', port: mock.port })
const deframer = new Deframer()
const inbox: Uint8Array[] = []
let wake = () => {}
socket.on('data', (chunk: Uint8Array) => {
  inbox.push(...deframer.push(chunk))
  wake()
})
const nextFrame = async (): Promise<Uint8Array> => {
  while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve))
  return inbox.shift()!
}
await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))

const session = createSession({ role: 'client', version: '3.5', localKey })
socket.write(session.start().send[0]!)
socket.write(session.receive(await nextFrame()).send[0]!)
console.log(`over TCP: ${session.state} with the device on port ${mock.port}`)

socket.write(encodeFrame({ version: '3.5', key: session.sessionKey!, seq: session.nextSeq, cmd: 16, payload: {} }))
const reply = decodeFrame(await nextFrame(), { version: '3.5', key: session.sessionKey!, direction: 'fromDevice' })
console.log(`${reply.cmdName} under the session key: ${reply.text}`)
socket.destroy()
