/**
 * The README / index.ts example, run as written (so the documented code keeps working).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decodeFrame, encodeFrame, readFrameHeader } from '@tuya/codec'
import { createConnection, createSession } from '../src/index.ts'

it('README example: a client and a device session negotiate in memory, then exchange a data frame', () => {
  const localKey = '4a5e1f0c9b2d7e38'
  const client = createSession({ role: 'client', version: '3.5', localKey })
  const device = createSession({ role: 'device', version: '3.5', localKey })

  const [start] = client.start().send         // client -> device, cmd 3
  const [resp] = device.receive(start!).send  // device -> client, cmd 4
  const [finish] = client.receive(resp!).send // client -> device, cmd 5; client established
  device.receive(finish!)                     // device established, sends nothing

  const frame = encodeFrame({ version: '3.5', key: client.sessionKey!, seq: client.nextSeq, cmd: 16, payload: {} })
  const decoded = decodeFrame(frame, { version: '3.5', key: device.sessionKey!, direction: 'toDevice' })
  assert.deepEqual(decoded.json, {})
  assert.equal(decoded.seq, 3)
  assert.equal(client.state, 'established')
  assert.equal(device.state, 'established')
})

it('README example: the connection machine, client and device, a query and its reply', () => {
  const localKey = '4a5e1f0c9b2d7e38'
  const client = createConnection({ role: 'client', version: '3.5', localKey })
  const device = createConnection({ role: 'device', version: '3.5', localKey })

  const [start] = client.open(Date.now(), Date.now() + 5000).send
  const [resp] = device.receive(start!).send
  const finished = client.receive(resp!)
  device.receive(finished.send[0]!)
  assert.equal(finished.events[0]!.type, 'established')

  const query = client.send({ cmd: 16, payload: {} })
  assert.equal(readFrameHeader(query).seq, 3)
  const [frame] = device.receive(query).frames
  assert.deepEqual(frame!.decoded!.json, {})
  const reply = device.send({ cmd: 16, payload: { dps: { '1': true } } })
  assert.deepEqual(client.receive(reply).frames[0]!.decoded!.json, { dps: { '1': true } })
})
