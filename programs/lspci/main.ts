// lspci: lists the PCI devices the kernel's `pci` interface reports, with names for common
// vendors and classes, and the base address registers in use.
import { error, exit, print } from '../sdk/as/wasmos'
import * as pci from '../sdk/as/gen/pci'

function hex (v: u64, digits: i32): string {
  let s = v.toString(16)
  while (s.length < digits) s = '0' + s
  return s
}

function vendorName (v: u32): string {
  switch (v) {
    case 0x8086: return 'Intel Corporation'
    case 0x1234: return 'QEMU (Bochs)'
    case 0x1af4: return 'Red Hat, Inc. (virtio)'
    case 0x1b36: return 'Red Hat, Inc. (QEMU)'
    case 0x1022: return 'Advanced Micro Devices, Inc.'
    case 0x1002: return 'AMD/ATI'
    case 0x10de: return 'NVIDIA Corporation'
    case 0x10ec: return 'Realtek Semiconductor Co., Ltd.'
    case 0x14e4: return 'Broadcom Inc.'
    case 0x15ad: return 'VMware'
    case 0x80ee: return 'InnoTek (VirtualBox)'
    case 0x1013: return 'Cirrus Logic'
    case 0x106b: return 'Apple Inc.'
    case 0x144d: return 'Samsung Electronics Co Ltd'
    case 0x1b4b: return 'Marvell Technology Group Ltd.'
    case 0x1d6b: return 'Linux Foundation'
  }
  return 'vendor ' + hex(v, 4)
}

function className (c: u32): string {
  const cls = c >> 16
  const sub = (c >> 8) & 0xff
  switch (cls) {
    case 0x00: return sub == 0x01 ? 'VGA-compatible device' : 'Unclassified device'
    case 0x01:
      switch (sub) {
        case 0x00: return 'SCSI storage controller'
        case 0x01: return 'IDE interface'
        case 0x05: return 'ATA controller'
        case 0x06: return 'SATA controller'
        case 0x08: return 'Non-Volatile memory controller'
      }
      return 'Mass storage controller'
    case 0x02: return sub == 0x00 ? 'Ethernet controller' : 'Network controller'
    case 0x03: return sub == 0x00 ? 'VGA compatible controller' : 'Display controller'
    case 0x04: return sub == 0x03 ? 'Audio device' : 'Multimedia controller'
    case 0x05: return 'Memory controller'
    case 0x06:
      switch (sub) {
        case 0x00: return 'Host bridge'
        case 0x01: return 'ISA bridge'
        case 0x04: return 'PCI bridge'
      }
      return 'Bridge'
    case 0x07: return 'Communication controller'
    case 0x08: return 'System peripheral'
    case 0x09: return 'Input device controller'
    case 0x0c:
      switch (sub) {
        case 0x03: return 'USB controller'
        case 0x05: return 'SMBus'
      }
      return 'Serial bus controller'
    case 0x0d: return 'Wireless controller'
  }
  return 'Class ' + hex(c >> 8, 4)
}

const list = pci.list()
if (list.status != 0) {
  error('pci list failed: status ' + list.status.toString())
  exit(1)
}
for (let i = 0; i < list.addresses.length; i++) {
  const a = list.addresses[i]
  const d = pci.info(a)
  const where = hex(a >> 8, 2) + ':' + hex((a >> 3) & 31, 2) + '.' + (a & 7).toString()
  if (d.status != 0) {
    print(where + ' (info failed: status ' + d.status.toString() + ')\n')
    continue
  }
  let line = where + ' ' + className(d.class_code) + ' [' + hex(d.class_code >> 8, 4) + ']: ' + vendorName(d.vendor) +
    ' [' + hex(d.vendor, 4) + ':' + hex(d.device, 4) + ']'
  if (d.irq != 0 && d.irq != 0xff) line += ' irq ' + d.irq.toString()
  print(line + '\n')
  for (let b = 0; b < d.bars.length; b++) {
    const v = d.bars[b]
    if (v == 0) continue
    if ((v & 1) != 0) print('        bar' + b.toString() + ' io 0x' + hex(v & ~(<u64>3), 4) + '\n')
    else print('        bar' + b.toString() + ' mem 0x' + hex(v & ~(<u64>15), 8) + ((v & 8) != 0 ? ' prefetchable' : '') + '\n')
  }
}
