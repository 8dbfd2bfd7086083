/**
 * Checks a device discovery payload against Home Assistant's MQTT discovery schema as its docs
 * give it (integrations/mqtt "Device discovery payload" and each platform's page): the required
 * shared mappings (`dev`, `o` with a name), the known options of each platform (an unknown key
 * makes HA reject the config), the required ones, and the enumerations HA validates (platforms,
 * color modes, HVAC modes, device and state classes with their units). Returns the problems.
 */

const COMMON = ['p', 'platform', 'unique_id', 'name', 'object_id', 'default_entity_id', 'icon', 'enabled_by_default', 'entity_category', 'device_class', 'qos', 'encoding', 'retain', 'optimistic', 'json_attributes_topic', 'json_attributes_template', 'availability', 'availability_mode', 'availability_topic', 'availability_template', 'payload_available', 'payload_not_available']

const PLATFORMS: Readonly<Record<string, { keys: string[]; required: string[] }>> = {
  switch: { keys: ['state_topic', 'command_topic', 'payload_on', 'payload_off', 'state_on', 'state_off', 'value_template', 'command_template'], required: ['command_topic'] },
  binary_sensor: { keys: ['state_topic', 'payload_on', 'payload_off', 'value_template', 'expire_after', 'force_update', 'off_delay'], required: ['state_topic'] },
  sensor: { keys: ['state_topic', 'value_template', 'unit_of_measurement', 'state_class', 'suggested_display_precision', 'expire_after', 'force_update', 'last_reset_value_template', 'options'], required: ['state_topic'] },
  number: { keys: ['command_topic', 'state_topic', 'min', 'max', 'step', 'mode', 'value_template', 'command_template', 'unit_of_measurement', 'payload_reset'], required: ['command_topic'] },
  select: { keys: ['command_topic', 'state_topic', 'options', 'value_template', 'command_template'], required: ['command_topic', 'options'] },
  light: { keys: ['schema', 'command_topic', 'state_topic', 'brightness', 'brightness_scale', 'supported_color_modes', 'color_temp_kelvin', 'min_kelvin', 'max_kelvin', 'min_mireds', 'max_mireds', 'effect', 'effect_list', 'flash', 'flash_time_long', 'flash_time_short', 'transition', 'white_scale'], required: ['command_topic'] },
  cover: { keys: ['command_topic', 'state_topic', 'payload_open', 'payload_close', 'payload_stop', 'position_topic', 'position_template', 'set_position_topic', 'set_position_template', 'position_open', 'position_closed', 'state_open', 'state_closed', 'state_opening', 'state_closing', 'state_stopped', 'value_template'], required: [] },
  climate: {
    keys: ['temperature_command_topic', 'temperature_command_template', 'temperature_state_topic', 'temperature_state_template', 'current_temperature_topic', 'current_temperature_template', 'min_temp', 'max_temp', 'temp_step', 'temperature_unit', 'precision', 'modes', 'mode_command_topic', 'mode_command_template', 'mode_state_topic', 'mode_state_template', 'preset_modes', 'preset_mode_command_topic', 'preset_mode_command_template', 'preset_mode_state_topic', 'preset_mode_value_template', 'power_command_topic', 'power_command_template', 'payload_on', 'payload_off'],
    required: [],
  },
}

const ROOT = ['dev', 'device', 'o', 'origin', 'cmps', 'components', 'availability', 'avty', 'availability_mode', 'availability_topic', 'qos', 'state_topic', 'command_topic', 'encoding']
const DEV = ['ids', 'identifiers', 'name', 'mf', 'manufacturer', 'mdl', 'model', 'model_id', 'sw', 'sw_version', 'hw', 'hw_version', 'sn', 'serial_number', 'via_device', 'cns', 'connections', 'suggested_area', 'configuration_url']
const UNITS: Readonly<Record<string, string[]>> = { power: ['W', 'kW'], voltage: ['V', 'mV'], current: ['A', 'mA'], energy: ['Wh', 'kWh', 'MWh'], temperature: ['°C', '°F', 'K'] }
const STATE_CLASSES = ['measurement', 'total', 'total_increasing']
const COLOR_MODES = ['onoff', 'brightness', 'color_temp', 'hs', 'xy', 'rgb', 'rgbw', 'rgbww', 'white']
const HVAC_MODES = ['auto', 'off', 'cool', 'heat', 'dry', 'fan_only']

/**
 * @param config - the parsed payload
 * @returns the problems found (empty: valid)
 */
export function haProblems(config: Record<string, unknown>): string[] {
  const problems: string[] = []
  for (const key of Object.keys(config)) if (!ROOT.includes(key)) problems.push(`root: unknown option ${key}`)
  const dev = (config['dev'] ?? config['device']) as Record<string, unknown> | undefined
  if (dev === undefined) problems.push('root: no dev')
  else {
    for (const key of Object.keys(dev)) if (!DEV.includes(key)) problems.push(`dev: unknown option ${key}`)
    const ids = dev['ids'] ?? dev['identifiers']
    if (ids === undefined || (Array.isArray(ids) && ids.length === 0)) problems.push('dev: no identifiers')
  }
  const origin = (config['o'] ?? config['origin']) as Record<string, unknown> | undefined
  if (origin === undefined || typeof origin['name'] !== 'string') problems.push('root: o must have a name')
  if (config['availability_mode'] !== undefined && !['all', 'any', 'latest'].includes(config['availability_mode'] as string)) problems.push('root: bad availability_mode')
  for (const a of (config['availability'] ?? []) as Array<Record<string, unknown>>) if (typeof a['topic'] !== 'string') problems.push('availability entry without topic')
  const cmps = (config['cmps'] ?? config['components']) as Record<string, Record<string, unknown>> | undefined
  if (cmps === undefined || Object.keys(cmps).length === 0) problems.push('root: no cmps')
  const uniqueIds = new Set<string>()
  for (const [id, c] of Object.entries(cmps ?? {})) {
    const at = `cmps.${id}`
    if (!/^[a-zA-Z0-9_-]+$/.test(id)) problems.push(`${at}: component id has characters HA does not allow`)
    const platform = (c['p'] ?? c['platform']) as string
    const spec = PLATFORMS[platform]
    if (spec === undefined) {
      problems.push(`${at}: unknown platform ${String(platform)}`)
      continue
    }
    if (typeof c['unique_id'] !== 'string') problems.push(`${at}: no unique_id`)
    else if (uniqueIds.has(c['unique_id'])) problems.push(`${at}: duplicate unique_id`)
    else uniqueIds.add(c['unique_id'])
    for (const key of Object.keys(c)) if (!COMMON.includes(key) && !spec.keys.includes(key)) problems.push(`${at}: ${platform} has no option ${key}`)
    for (const key of spec.required) if (c[key] === undefined) problems.push(`${at}: ${platform} needs ${key}`)
    if (platform === 'sensor' && c['device_class'] !== undefined) {
      const units = UNITS[c['device_class'] as string]
      if (units === undefined) problems.push(`${at}: unexpected device_class ${String(c['device_class'])}`)
      else if (!units.includes(c['unit_of_measurement'] as string)) problems.push(`${at}: unit ${String(c['unit_of_measurement'])} is not one of ${units.join(', ')} for ${String(c['device_class'])}`)
      if (c['device_class'] === 'energy' && c['state_class'] !== 'total_increasing' && c['state_class'] !== 'total') problems.push(`${at}: energy needs state_class total or total_increasing`)
    }
    if (c['state_class'] !== undefined && !STATE_CLASSES.includes(c['state_class'] as string)) problems.push(`${at}: bad state_class`)
    if (platform === 'light') {
      if (c['schema'] !== 'json') problems.push(`${at}: expected the json schema`)
      const modes = c['supported_color_modes'] as string[] | undefined
      if (!Array.isArray(modes) || modes.length === 0 || modes.some((m) => !COLOR_MODES.includes(m))) problems.push(`${at}: bad supported_color_modes`)
      else if ((modes.includes('onoff') || modes.includes('brightness')) && modes.length > 1) problems.push(`${at}: onoff/brightness must be the only color mode`)
    }
    if (platform === 'select' && (!Array.isArray(c['options']) || (c['options'] as unknown[]).length === 0)) problems.push(`${at}: select needs options`)
    if (platform === 'number' && typeof c['min'] === 'number' && typeof c['max'] === 'number' && c['min'] >= c['max']) problems.push(`${at}: min >= max`)
    if (platform === 'climate') {
      for (const m of (c['modes'] ?? []) as string[]) if (!HVAC_MODES.includes(m)) problems.push(`${at}: HVAC mode ${m} is not one HA knows`)
      if (((c['preset_modes'] ?? []) as string[]).includes('none')) problems.push(`${at}: preset_modes must not include none`)
    }
  }
  return problems
}
