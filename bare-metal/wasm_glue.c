/* Runs kernel.wasm (compiled to C by wasm2c with module name "kernel") and implements the
   imports it gets from module "stub" (the ABI in README.md). Pointers from the kernel are
   offsets into its linear memory, checked against its current size: a bad one traps the kernel
   as an out-of-bounds access would. */
#include "stub.h"
#include "x86.h"
#include <string.h>
#include "wasm-rt-impl.h"
#include <sys/mman.h>
#include "kernel.h"

struct Z_stub_instance_t { wasm_rt_memory_t *memory; };

static struct Z_stub_instance_t stub;
static Z_kernel_instance_t kernel;

/* Assumes: `s->memory` is the kernel's memory. Returns a host pointer to [ptr, ptr+len). */
static uint8_t *kmem(struct Z_stub_instance_t *s, u32 ptr, u32 len) {
  if ((uint64_t)ptr + len > s->memory->size) wasm_rt_trap(WASM_RT_TRAP_OOB);
  return s->memory->data + ptr;
}

/* Copies a NUL-terminated host string into kernel memory, truncated to cap; returns its full length. */
static u32 copy_string(struct Z_stub_instance_t *s, const char *str, u32 ptr, u32 cap) {
  u32 len = (u32)strlen(str);
  u32 n = len < cap ? len : cap;
  memcpy(kmem(s, ptr, n), str, n);
  return len;
}

/* Imports below. Assume: `s` is &stub (set before instantiation); `ptr`/`len` come from the kernel and are checked by kmem. */
void Z_stubZ_serial_write(struct Z_stub_instance_t *s, u32 ptr, u32 len) {
  serial_write(kmem(s, ptr, len), len);
}

/* Never blocks: returns 0 when nothing has arrived. */
u32 Z_stubZ_serial_read(struct Z_stub_instance_t *s, u32 ptr, u32 cap) {
  return (u32)serial_read(kmem(s, ptr, cap), cap);
}

u32 Z_stubZ_inb(struct Z_stub_instance_t *s, u32 port) { (void)s; return inb((uint16_t)port); }
u32 Z_stubZ_inw(struct Z_stub_instance_t *s, u32 port) { (void)s; return inw((uint16_t)port); }
u32 Z_stubZ_inl(struct Z_stub_instance_t *s, u32 port) { (void)s; return inl((uint16_t)port); }
void Z_stubZ_outb(struct Z_stub_instance_t *s, u32 port, u32 v) { (void)s; outb((uint16_t)port, (uint8_t)v); }
void Z_stubZ_outw(struct Z_stub_instance_t *s, u32 port, u32 v) { (void)s; outw((uint16_t)port, (uint16_t)v); }
void Z_stubZ_outl(struct Z_stub_instance_t *s, u32 port, u32 v) { (void)s; outl((uint16_t)port, v); }

/* Assumes: the kernel only touches physical addresses it has decided to grant; nothing is
   checked here, and an unmapped address faults (the exception handler reports it). */
u32 Z_stubZ_mmio_read32(struct Z_stub_instance_t *s, u64 addr) {
  (void)s;
  return *(volatile uint32_t *)phys_to_virt(addr);
}
/* As mmio_read32. */
void Z_stubZ_mmio_write32(struct Z_stub_instance_t *s, u64 addr, u32 v) {
  (void)s;
  *(volatile uint32_t *)phys_to_virt(addr) = v;
}

/* PCI configuration space; arguments are masked to their field widths by pci.c. */
u32 Z_stubZ_pci_read32(struct Z_stub_instance_t *s, u32 bus, u32 dev, u32 fn, u32 off) {
  (void)s;
  return pci_read32(bus, dev, fn, off);
}
void Z_stubZ_pci_write32(struct Z_stub_instance_t *s, u32 bus, u32 dev, u32 fn, u32 off, u32 v) {
  (void)s;
  pci_write32(bus, dev, fn, off, v);
}

/* Takes (and clears) the set of IRQs that fired since the last call, bit n = IRQ n. */
u32 Z_stubZ_irq_take(struct Z_stub_instance_t *s) {
  (void)s;
  return __atomic_exchange_n(&irq_pending, 0, __ATOMIC_SEQ_CST);
}
void Z_stubZ_irq_mask(struct Z_stub_instance_t *s, u32 irq) { (void)s; if (irq < 16 && irq != 2) pic_mask((int)irq); }
/* Unmasking IRQ 1 means a keyboard driver took the line: the stub's console keyboard stops. */
void Z_stubZ_irq_unmask(struct Z_stub_instance_t *s, u32 irq) {
  (void)s;
  if (irq == 1) kbd_claimed = 1;
  if (irq < 16) pic_unmask((int)irq);
}
/* The stub masks a kernel-owned line when it fires; acknowledging unmasks it. IRQ 0 (PIT) and 4
   (COM1) are serviced by the stub and never masked, so acknowledging them does nothing. */
void Z_stubZ_irq_ack(struct Z_stub_instance_t *s, u32 irq) {
  (void)s;
  if (irq < 16 && irq != 0 && irq != 2 && irq != 4) pic_unmask((int)irq);
}

/* The screen, for a console driver: its mode, and drawing once the stub has let go of it. */
u32 Z_stubZ_screen_mode(struct Z_stub_instance_t *s, u32 out) {
  uint64_t m[6];
  if (!screen_mode(m)) return 0;
  memcpy(kmem(s, out, sizeof m), m, sizeof m);
  return 1;
}
void Z_stubZ_screen_release(struct Z_stub_instance_t *s) { (void)s; screen_release(); }
void Z_stubZ_screen_blit(struct Z_stub_instance_t *s, u32 x, u32 y, u32 w, u32 h, u32 px) {
  if ((uint64_t)w * h > (1u << 26)) wasm_rt_trap(WASM_RT_TRAP_OOB);
  screen_blit(x, y, w, h, (const uint32_t *)kmem(s, px, w * h * 4));
}
void Z_stubZ_screen_scroll(struct Z_stub_instance_t *s, u32 top, u32 bottom, u32 dy, u32 colour) {
  (void)s;
  screen_scroll(top, bottom, dy, colour);
}

u64 Z_stubZ_ticks(struct Z_stub_instance_t *s) { (void)s; return ticks; }
u32 Z_stubZ_tick_hz(struct Z_stub_instance_t *s) { (void)s; return TICK_HZ; }

/* The CPU's time-stamp counter: fine-grained timing and a little entropy when RDRAND is absent. */
u64 Z_stubZ_rdtsc(struct Z_stub_instance_t *s) {
  (void)s;
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

/* Sleeps until the next interrupt unless one is already pending. `sti; hlt` is atomic with
   respect to interrupts (STI's one-instruction shadow), so a wake-up cannot be lost. */
void Z_stubZ_idle(struct Z_stub_instance_t *s) {
  (void)s;
  cli();
  if (irq_pending == 0) __asm__ volatile("sti; hlt" ::: "memory");
  sti();
}

/* Assumes nothing about the CPU: checks CPUID.1:ECX.RDRAND and retries a few times, as Intel advises. */
u32 Z_stubZ_rdrand64(struct Z_stub_instance_t *s, u32 out) {
  uint32_t a, b, c, d;
  cpuid(1, &a, &b, &c, &d);
  if (!(c & (1u << 30))) return 0;
  for (int i = 0; i < 10; i++) {
    uint64_t v;
    uint8_t ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
    if (ok) { memcpy(kmem(s, out, 8), &v, 8); return 1; }
  }
  return 0;
}

/* Assumes: bootinfo.cmdline is a NUL-terminated string ("" when the loader gave none). */
u32 Z_stubZ_cmdline(struct Z_stub_instance_t *s, u32 ptr, u32 cap) {
  return copy_string(s, bootinfo.cmdline, ptr, cap);
}

u32 Z_stubZ_module_count(struct Z_stub_instance_t *s) { (void)s; return (u32)bootinfo.nmodules; }

/* Modules are indexed in boot order; out-of-range indices give 0. */
u32 Z_stubZ_module_size(struct Z_stub_instance_t *s, u32 i) {
  (void)s;
  if (i >= (u32)bootinfo.nmodules) return 0;
  return (u32)(bootinfo.modules[i].end - bootinfo.modules[i].start);
}

/* As Z_stubZ_cmdline, for module i. */
u32 Z_stubZ_module_name(struct Z_stub_instance_t *s, u32 i, u32 ptr, u32 cap) {
  if (i >= (u32)bootinfo.nmodules) return 0;
  return copy_string(s, bootinfo.modules[i].name, ptr, cap);
}

/* Copies up to len bytes of module i from `offset` into kernel memory; returns the count. */
u32 Z_stubZ_module_read(struct Z_stub_instance_t *s, u32 i, u32 offset, u32 ptr, u32 len) {
  if (i >= (u32)bootinfo.nmodules) return 0;
  uint64_t size = bootinfo.modules[i].end - bootinfo.modules[i].start;
  if (offset >= size) return 0;
  if (len > size - offset) len = (u32)(size - offset);
  memcpy(kmem(s, ptr, len), phys_to_virt(bootinfo.modules[i].start + offset), len);
  return len;
}

/* AssemblyScript's abort(message, file, line, column): strings are UTF-16 with their byte
   length 4 bytes before the data. Prints and stops the machine with status 0x7e. */
static void print_as_string(struct Z_stub_instance_t *s, u32 ptr) {
  if (ptr < 4 || ptr > s->memory->size) return;
  u32 bytes = *(u32 *)kmem(s, ptr - 4, 4);
  const uint8_t *p = kmem(s, ptr, bytes);
  for (u32 i = 0; i + 1 < bytes; i += 2) serial_putc(p[i + 1] ? '?' : (char)p[i]);
}
/* Assumes: msg and file are AssemblyScript strings (or 0). */
void Z_stubZ_abort(struct Z_stub_instance_t *s, u32 msg, u32 file, u32 line, u32 col) {
  kprintf("\nwasmos stub: kernel abort: ");
  if (msg) print_as_string(s, msg);
  kprintf(" at ");
  if (file) print_as_string(s, file);
  kprintf(":%u:%u\n", line, col);
  machine_exit(0x7e);
}

void Z_stubZ_exit(struct Z_stub_instance_t *s, u32 code) { (void)s; machine_exit(code); }

/* QEMU's isa-debug-exit (iobase 0xf4) ends QEMU with status (code << 1) | 1. Without that
   device the write does nothing and the machine halts. */
void machine_exit(uint32_t code) {
  profile_dump();
  outl(0xf4, code);
  kprintf("wasmos stub: exit %u: halted\n", code);
  halt_forever();
}

/* kernel.wasm's linear memory, as wasm2c's runtime asks for it with WASM_RT_MEMCHECK_SIGNAL_HANDLER:
   mmap reserves 8 GiB of virtual space at WASM_MEM_BASE (every address a 32-bit index plus a 32-bit
   offset can reach; the Makefile's rewrite of kernel.c compiles that address into every load and
   store) and maps nothing; mprotect maps zeroed RAM over the part in use, and memory.grow maps
   more. The generated code then checks no bounds: an access past the memory's size hits an
   unmapped page, and the page fault handler (idt.c) turns that into the wasm trap. One
   reservation only (kernel.wasm has one memory); nothing is ever unmapped. */
static uint64_t guard_base, guard_len;

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off) {
  (void)addr; (void)prot; (void)flags; (void)fd; (void)off;
  if (guard_len != 0 || len > (1ull << 39)) return MAP_FAILED;
  if (!page_slot_free(WASM_MEM_BASE)) {
    kprintf("wasmos stub: page-table slot for kernel.wasm's memory (%p) is taken\n", (void *)(uintptr_t)WASM_MEM_BASE);
    return MAP_FAILED;
  }
  guard_base = WASM_MEM_BASE;
  guard_len = len;
  return (void *)(uintptr_t)guard_base;
}

/* Maps [addr, addr + len) read-write; 0, or -1 outside the reservation or out of memory. */
int mprotect(void *addr, size_t len, int prot) {
  (void)prot;
  uint64_t a = (uint64_t)(uintptr_t)addr & ~4095ull, end = (uint64_t)(uintptr_t)addr + len;
  if (a < guard_base || end > guard_base + guard_len) return -1;
  for (; a < end; a += 4096)
    if (page_map(a) != 0) return -1;
  return 0;
}

int munmap(void *addr, size_t len) { (void)addr; (void)len; return 0; }

/* Whether a page fault at `addr` is kernel.wasm reaching past its linear memory. */
int wasm_guard_fault(uint64_t addr) {
  return guard_len != 0 && addr >= guard_base && addr - guard_base < guard_len;
}

/* Entered from the page fault handler in place of the faulting instruction. */
void wasm_oob_trap(void) { wasm_rt_trap(WASM_RT_TRAP_OOB); }

/* Assumes: the heap, interrupts and serial are up. Never returns. */
void kernel_run(void) {
  wasm_rt_init();
  Z_kernel_init_module();
  stub.memory = Z_kernelZ_memory(&kernel);
  wasm_rt_trap_t trap = wasm_rt_impl_try();
  if (trap != WASM_RT_TRAP_NONE) {
    kprintf("\nwasmos stub: kernel.wasm trapped: %s\n", wasm_rt_strerror(trap));
    machine_exit(0x7f);
  }
  Z_kernel_instantiate(&kernel, &stub);
  Z_kernelZ_kmain(&kernel);
  kprintf("wasmos stub: kmain returned\n");
  machine_exit(0);
}
