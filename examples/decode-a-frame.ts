/**
 * The codec on its own: build a protocol 3.3 status query, send it to a simulated device over
 * TCP, cut the reply out of the byte stream and decrypt it. No client, just frames.
 *
 *   node --import tsx examples/decode-a-frame.ts   |   bun examples/decode-a-frame.ts   |   deno run -A examples/decode-a-frame.ts
 */
import { connect } from 'node:net'
import { buildStatusRequest, decodeFrame, Deframer, encodeFrame } from '@tuya/codec'
import { bytesToHex } from '@tuya/crypto'
import { createMockDevice } from '@tuya/mock'

const id = 'bf1234567890abcdefgh'
const localKey = '0123456789abcdef'
await using device = await createMockDevice({ version: '3.3', id, localKey, dps: { '1': true, '2': 50 } })

// A DP_QUERY (cmd 10) under AES-128-ECB with the local key; seq 1. `t` is passed in: the codec has no clock.
const request = encodeFrame({ version: '3.3', key: localKey, seq: 1, ...buildStatusRequest({ version: '3.3', devId: id, t: Math.floor(Date.now() / 1000) }) })
console.log(`request  ${request.length} bytes  ${bytesToHex(request.subarray(0, 24))}…`)

const reply = await new Promise<Uint8Array>((resolve, reject) => {
  const socket = connect({ host: '127.0.0.1', port: device.port }, () => socket.write(request))
  const deframer = new Deframer() // TCP is a stream: the deframer cuts it into whole frames
  socket.on('data', (chunk: Uint8Array) => {
    const [frame] = deframer.push(chunk)
    if (frame === undefined) return
    socket.end()
    resolve(frame)
  })
  socket.on('error', reject)
})
console.log(`reply    ${reply.length} bytes  ${bytesToHex(reply.subarray(0, 24))}…`)

const decoded = decodeFrame(reply, { version: '3.3', key: localKey, direction: 'fromDevice' })
console.log(`decoded  seq=${decoded.seq} cmd=${decoded.cmd} (${decoded.cmdName}) retcode=${decoded.retcode}`)
console.log(`payload  ${decoded.text}`)
