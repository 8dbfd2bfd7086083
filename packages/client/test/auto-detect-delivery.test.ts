/**
 * Delivery after `version: 'auto'`: every reply belongs to the command that asked for it (or is
 * a push), never to a later command. The probe's queries are answered on the same connection
 * as the commands that follow; their answers must not be taken for those commands' replies,
 * whether the device answers one probe (real firmware) or several (a device that also answers
 * a clear-text query of another version: `quirks.answersClearQueries` on the mock).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Dps } from '@tuya/codec'
import { pair, VERSIONS } from './helpers/setup.ts'

const DPS = { '1': false, '2': 50, '3': 'white', '4': 0 }

/** 20 calls alternating between set and status, each checked against exactly its own answer. */
async function mixedCalls(device: import('../src/index.ts').TuyaDevice, current: () => Dps): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (i % 3 === 2) {
      assert.deepEqual(await device.status(), current(), `call ${i}: status() resolves with the state after the earlier calls`)
    } else {
      const value = 60 + i
      assert.deepEqual(await device.set({ '2': value }), { '2': value }, `call ${i}: set() resolves with exactly its own DPs`)
    }
  }
}

describe("version: 'auto' hands every reply to the command that asked for it", () => {
  for (const version of VERSIONS) {
    for (const answersClearQueries of [false, true]) {
      const quirk = answersClearQueries ? ' (device also answers clear-text queries)' : ''
      it(`${version}${quirk}: status() first, then 20 mixed set()/status() calls`, async () => {
        await using p = await pair({ version, dps: DPS, quirks: { answersClearQueries } }, { version: 'auto' })
        const { device, mock } = p
        assert.deepEqual(await device.status(), DPS, 'the first status() after detection')
        assert.equal(device.version, version)
        await mixedCalls(device, () => mock.getDps()!)
      })

      it(`${version}${quirk}: set() first, then 20 mixed calls`, async () => {
        await using p = await pair({ version, dps: DPS, quirks: { answersClearQueries } }, { version: 'auto' })
        const { device, mock } = p
        assert.deepEqual(await device.set({ '2': 7 }), { '2': 7 }, 'the first set() after detection')
        await mixedCalls(device, () => mock.getDps()!)
      })
    }
  }

  it('the probe answer still fills the state, without resolving a command', async () => {
    await using p = await pair({ version: '3.3', dps: DPS }, { version: 'auto' })
    const { device, commands } = p
    await device.connect()
    assert.deepEqual(device.state, DPS, 'the answer to the probe query is the first state')
    assert.deepEqual(commands, ['DP_QUERY'], 'the device saw the probe query only')
    assert.deepEqual(await device.status(), DPS)
    assert.deepEqual(commands, ['DP_QUERY', 'DP_QUERY'], 'status() sent its own query and got its own answer')
  })
})
