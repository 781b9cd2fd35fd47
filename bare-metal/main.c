/* Common start after the boot protocol's entry: interrupts, timer, heap, then kernel.wasm. */
#include "stub.h"
#include "x86.h"

struct bootinfo bootinfo;
uint64_t hhdm_offset;

/* Assumes: serial_init ran and bootinfo holds the memory map, modules and command line;
   interrupts are off. */
void stub_main(void) {
  kprintf("wasmos stub: booted by %s, cmdline \"%s\"\n", bootinfo.protocol, bootinfo.cmdline);
  gdt_init();
  stack_guard_init();
  idt_init();
  pic_init();
  pic_unmask(4);                        /* COM1 receive */
  kbd_init();
  pic_unmask(1);                        /* the console keyboard, until a driver claims it */
  pit_init();
  profile_init(bootinfo.cmdline);
  mem_init();
  kprintf("wasmos stub: heap %lu KiB, %d boot module(s)\n", heap_total() >> 10, bootinfo.nmodules);
  sti();
  kernel_run();
}
