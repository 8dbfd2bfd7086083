/**
 * Deno without `--allow-net` throws its NotCapable error from inside `listen()` / `bind()`,
 * after the call has returned and where no 'error' listener sees it: the process would die
 * with a stack trace. Asking Deno first turns that into an ordinary, catchable error.
 */
type DenoPermissions = { querySync?: (descriptor: { name: 'net'; host: string }) => { state: string } }

/**
 * Throws unless the runtime lets this process listen on `host:port`. Only Deno can refuse;
 * on Node and Bun it always returns.
 * @param host - the address to listen on
 * @param port - the port (0: any)
 * @throws an Error named `NotCapable` (Deno's own name for it) when Deno denies network access there
 * @example
 * assertNetPermission('127.0.0.1', 0) // before server.listen(0, '127.0.0.1')
 */
export function assertNetPermission(host: string, port: number): void {
  const permissions = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno?.permissions
  if (permissions?.querySync === undefined) return
  if (permissions.querySync({ name: 'net', host: `${host}:${port}` }).state === 'granted') return
  throw Object.assign(new Error(`Deno denies network access to ${host}:${port}: run with --allow-net`), { name: 'NotCapable' })
}
