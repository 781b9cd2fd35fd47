/* The 8253/8254 PIT channel 0 as the tick source (TICK_HZ per second on IRQ 0). */
#include "stub.h"
#include "x86.h"

#define PIT_HZ 1193182u
volatile uint64_t ticks;

/* Assumes: the PIC is initialised; unmasks IRQ 0. */
void pit_init(void) {
  uint32_t divisor = (PIT_HZ + TICK_HZ / 2) / TICK_HZ;
  outb(0x43, 0x34);                     /* channel 0, lobyte/hibyte, mode 2 (rate generator) */
  outb(0x40, divisor & 0xff);
  outb(0x40, divisor >> 8);
  pic_unmask(0);
}

/* Assumes: called from the IRQ 0 handler only. */
void pit_tick(void) { ticks++; }
