// Run feature: the permission prompt and the grants remembered under WASMOS_HOME.
import type { Feature } from './index.ts'

export const prompt: Feature = {
  addOptions () {},
  apply () {}
}
