import { isDiscoveryOptionError, scan } from '../src/index.ts'

try {
  await scan({ timeoutMs: 6000, solicit: { address: '192.168.7.255' } })
} catch (error) {
  if (!isDiscoveryOptionError(error)) throw error
  // Here error.option is 'solicit.ip' and error.reason 'no-interface' when this host is not on 192.168.7.0/24.
  if (error.reason === 'no-interface') console.error('use the broadcast address of a network this machine is on')
  else console.error(`bad option ${error.option} (${error.reason}): ${error.message}`)
}
