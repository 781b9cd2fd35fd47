// Build step: the fuel rewrite's WAT fixtures and compute kernels (see bench/fuel-fixtures.ts).
import { buildFuelFixtures } from '../../bench/fuel-fixtures.ts'

buildFuelFixtures()
