import { readFileSync } from 'node:fs'
import { createBridge, createLight, profileFromMapping } from '../src/index.ts'

// devices.json as tinytuya's wizard writes it: ids, local keys, addresses, DP mappings
const entries = JSON.parse(readFileSync('devices.json', 'utf8')) as Array<{ id: string; key: string; ip: string; version: '3.3' | '3.4' | '3.5'; name: string; mapping: object }>
const devices = entries.map((d) => ({ id: d.id, key: d.key, host: d.ip, version: d.version, name: d.name, profile: profileFromMapping(d.mapping) }))

const bridge = createBridge({ mqtt: { url: 'mqtt://192.168.1.10:1883', username: 'ha', password: process.env['MQTT_PASSWORD'] }, devices })
bridge.addEventListener('command', (e) => console.log(e.detail.topic, e.detail.isOk ? 'ok' : e.detail.error?.message))
await bridge.start() // state, availability and Home Assistant discovery are on the broker from here on

// The same profiles drive typed helpers on the fleet's handles
const lamp = createLight(bridge.fleet.get(devices[0]!.id)!, devices[0]!.profile)
await lamp.setColour({ h: 120, s: 100, v: 50 })
