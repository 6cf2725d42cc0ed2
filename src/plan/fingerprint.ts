import type {DesiredState} from '../layout/types.js'
import type {Plan} from './types.js'

/**
 * sha256 over everything a plan was computed from: the desired state (platform, build base, every slot's
 * mounts: the configuration as it matters here), the mode and slot filter, and every live mount under the
 * build base in table order, also when there is none. Two plans with the same fingerprint are the same plan.
 */
export function fingerprintPlan(desired: DesiredState, plan: Pick<Plan, 'mode' | 'slotFilter' | 'observed'>): string {
  // node:crypto is loaded here, when a fingerprint is first asked for: loading it costs ~2 ms, and most runs never ask
  const h = process.getBuiltinModule('node:crypto').createHash('sha256')
  h.update(JSON.stringify({platform: desired.platform, buildBase: desired.buildBase, slots: desired.slots}))
  h.update('\0')
  h.update(JSON.stringify({mode: plan.mode, slotFilter: plan.slotFilter}))
  h.update('\0')
  h.update(JSON.stringify(plan.observed))
  return 'sha256:' + h.digest('hex')
}
