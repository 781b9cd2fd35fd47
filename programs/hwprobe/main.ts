// hwprobe [cid]: exercises the bare-metal kernel's native interfaces and prints what each says:
// time (wall clock, sleep), random, loader (the boot CAR block `cid`), io (the CMOS clock's
// ports when granted; the keyboard port, which should not be), pci (configuration space of a
// granted device and of one that is not).
import { args, print } from '../sdk/as/wasmos'
import * as io from '../sdk/as/gen/io'
import * as loader from '../sdk/as/gen/loader'
import * as pci from '../sdk/as/gen/pci'
import * as random from '../sdk/as/gen/random'
import * as time from '../sdk/as/gen/time'

function hex (v: u64, digits: i32): string {
  let s = v.toString(16)
  while (s.length < digits) s = '0' + s
  return s
}

const now = time.now()
print('time.now: status ' + now.status.toString() + ' ms ' + (<u64>now.ms).toString() + '\n')
const t0 = time.monotonic()
const slept = time.sleep(50)
const t1 = time.monotonic()
print('time.sleep(50): status ' + slept.toString() + ' took ' + (<u64>(t1.ms - t0.ms)).toString() + ' ms\n')

const r = random.bytes(16)
let rs = ''
for (let i = 0; i < r.data.length; i++) rs += hex(r.data[i], 2)
print('random.bytes(16): status ' + r.status.toString() + ' ' + rs + '\n')

const argv = args()
if (argv.length > 1) {
  const l = loader.load(argv[1])
  print('loader.load: status ' + l.status.toString() + ' ' + l.bytes.length.toString() + ' bytes, magic ' +
    (l.bytes.length >= 4 ? hex(l.bytes[0], 2) + hex(l.bytes[1], 2) + hex(l.bytes[2], 2) + hex(l.bytes[3], 2) : '-') + '\n')
}
const bad = loader.load('not-a-cid')
print('loader.load(not-a-cid): status ' + bad.status.toString() + '\n')

const out = io.portOut(0x70, 1, 0x0a)
const cmosA = io.portIn(0x71, 1)
print('io cmos status register A: status ' + out.toString() + '/' + cmosA.status.toString() + '\n')
const kbd = io.portIn(0x60, 1)
print('io port 0x60: status ' + kbd.status.toString() + '\n')
const mm = io.mmioRead(0xfebf0000)
print('io mmio 0xfebf0000: status ' + mm.status.toString() + '\n')

const nic = pci.read(3 << 3, 0)
print('pci.read 00:03.0 +0: status ' + nic.status.toString() + ' value ' + hex(nic.value, 8) + '\n')
const vga = pci.read(2 << 3, 0)
print('pci.read 00:02.0 +0: status ' + vga.status.toString() + '\n')
const odd = pci.read(3 << 3, 2)
print('pci.read 00:03.0 +2: status ' + odd.status.toString() + '\n')
