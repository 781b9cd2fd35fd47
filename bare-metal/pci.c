/* PCI configuration space through mechanism #1 (ports 0xcf8 address, 0xcfc data). */
#include "stub.h"
#include "x86.h"

/* The CONFIG_ADDRESS value: enable bit, bus, device, function, dword-aligned register. */
static uint32_t address(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off) {
  return 0x80000000u | ((bus & 0xff) << 16) | ((dev & 0x1f) << 11) | ((fn & 7) << 8) | (off & 0xfc);
}

/* Assumes: nobody else uses 0xcf8 concurrently (interrupt handlers never do). Returns
   0xffffffff for an absent function, as the hardware does. */
uint32_t pci_read32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off) {
  uint64_t f = irq_save();
  outl(0xcf8, address(bus, dev, fn, off));
  uint32_t v = inl(0xcfc);
  irq_restore(f);
  return v;
}

/* Assumes: as pci_read32; `off` is rounded down to a multiple of 4. */
void pci_write32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off, uint32_t v) {
  uint64_t f = irq_save();
  outl(0xcf8, address(bus, dev, fn, off));
  outl(0xcfc, v);
  irq_restore(f);
}
