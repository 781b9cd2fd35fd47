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

/* A sampling profiler for finding where the time goes (under QEMU TCG too, where the host's
   profilers see only generated code): with the word `profile` on the kernel command line, every
   tick records the interrupted instruction's address; machine_exit prints the counts. */
#define PROFILE_SLOTS 16384
static struct { uint64_t rip; uint32_t count; } profile[PROFILE_SLOTS];
static int profiling;
static uint64_t profile_lost;

/* Assumes: the command line is NUL-terminated. */
void profile_init(const char *cmdline) {
  for (const char *p = cmdline; *p; p++) {
    if ((p == cmdline || p[-1] == ' ') && p[0] == 'p' && p[1] == 'r' && p[2] == 'o' && p[3] == 'f' &&
        p[4] == 'i' && p[5] == 'l' && p[6] == 'e' && (p[7] == ' ' || p[7] == 0)) profiling = 1;
  }
}

/* Assumes: called with interrupts off (the IRQ 0 handler). */
static void profile_sample(uint64_t rip) {
  uint32_t h = (uint32_t)((rip * 0x9e3779b97f4a7c15ull) >> 50);
  for (int i = 0; i < 64; i++) {
    uint32_t j = (h + i) & (PROFILE_SLOTS - 1);
    if (profile[j].rip == rip) { profile[j].count++; return; }
    if (profile[j].rip == 0) { profile[j].rip = rip; profile[j].count = 1; return; }
  }
  profile_lost++;
}

/* Prints `wasmos profile: <rip> <count>` lines (hex, decimal), then the samples it could not keep. */
void profile_dump(void) {
  if (!profiling) return;
  profiling = 0;
  for (int i = 0; i < PROFILE_SLOTS; i++) {
    if (profile[i].rip) kprintf("wasmos profile: %lx %u\n", profile[i].rip, profile[i].count);
  }
  kprintf("wasmos profile: lost %lu\n", profile_lost);
}

/* Every TLB_FLUSH_TICKS the TLB is flushed (CR3 written again). On a PC that costs a few
   microseconds of refills; under QEMU TCG it is when QEMU sizes its software TLB to the pages in
   use (at a flush, and only then): without one it stays at 256 entries, which the kernel's pages
   outgrow, and conflicting pages then evict each other all the time (README.md). */
#define TLB_FLUSH_TICKS 32

/* Assumes: called from the IRQ 0 handler only, with the interrupted instruction's address. */
void pit_tick(uint64_t rip) {
  ticks++;
  if (profiling) profile_sample(rip);
  if (ticks % TLB_FLUSH_TICKS == 0) {
    uint64_t cr3;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
  }
}
