/**
 * The README / index.ts example, run as written (so the documented code keeps working).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { decodeFrame, encodeFrame } from '@tuya/codec'
import { createSession } from '../src/index.ts'

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
