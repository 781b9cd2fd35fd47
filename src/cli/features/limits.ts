// Run feature: limits: preemption by fuel (--slice), --cpu-limit, --max-memory, --stats.
import type { Feature } from './index.ts'

export const limits: Feature = {
  addOptions () {},
  apply () {}
}
