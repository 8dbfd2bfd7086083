// Lists this monorepo's workspaces from the root package.json: { name, dir, pkg, isPrivate }.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')

export function workspaces() {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const dirs = []
  for (const pattern of root.workspaces) {
    if (pattern.endsWith('/*')) {
      const base = join(ROOT, pattern.slice(0, -2))
      if (existsSync(base)) for (const entry of readdirSync(base).sort()) dirs.push(join(base, entry))
    } else dirs.push(join(ROOT, pattern))
  }
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      return { name: pkg.name, dir, pkg, isPrivate: pkg.private === true }
    })
}

// The runtime dependencies an integration package may have beyond @noble/* and @tuya/*: the
// field's standard libraries (STYLE.md), never home-made ones. The CLI's bridge command runs
// MQTT.js, and aedes for --embedded-broker.
export const INTEGRATION_DEPS = Object.freeze({ '@tuya/mqtt': ['mqtt', 'yaml'], '@tuya/cli': ['aedes', 'mqtt'] })
