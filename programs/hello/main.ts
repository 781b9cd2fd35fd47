// hello: logs a greeting and exits 0.
import { info } from '../sdk/as/wasmos'

info('Hello from wasmos!')
