/* Declarations shared by the stub's C files (xv6 style: one header for the kernel's internals). */
#ifndef STUB_H
#define STUB_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* boot.c: what the boot protocol (Multiboot2 or Limine) told us, in one shape. */
#define MAX_MODULES 16
#define MAX_REGIONS 64
struct boot_module { uint64_t start, end; const char *name; };
struct mem_region { uint64_t start, end; };
struct bootinfo {
  const char *protocol;
  const char *cmdline;
  int nmodules;
  struct boot_module modules[MAX_MODULES];
  int nregions;                         /* usable RAM, physical addresses */
  struct mem_region regions[MAX_REGIONS];
  int nreserved;                        /* physical ranges the heap must not use */
  struct mem_region reserved[MAX_REGIONS];
};
extern struct bootinfo bootinfo;
extern uint64_t hhdm_offset;            /* virtual = physical + hhdm_offset */
static inline void *phys_to_virt(uint64_t p) { return (void *)(uintptr_t)(p + hhdm_offset); }
void boot_reserve(uint64_t start, uint64_t end);
void stub_main(void) __attribute__((noreturn));

/* serial.c */
void serial_init(void);
void serial_putc(char c);
void serial_write(const void *buf, size_t n);
void serial_intr(void);
void console_input(uint8_t b);          /* queue a byte as if received on COM1 */
size_t serial_read(void *buf, size_t cap);

/* screen.c: the framebuffer console (mode as the boot loader reported it) */
struct screen_mode {
  uint64_t width, height, pitch;
  uint16_t bpp;
  uint8_t red_size, red_shift, green_size, green_shift, blue_size, blue_shift;
};
int screen_init(void *addr, const struct screen_mode *m);
void screen_putc(char c);
int screen_cols(void);
int screen_rows(void);
void screen_note(uint64_t phys, uint64_t width, uint64_t height);
int screen_mode(uint64_t out[6]);
void screen_release(void);
void screen_blit(uint32_t x, uint32_t y, uint32_t w, uint32_t h, const uint32_t *px);
void screen_scroll(uint32_t top, uint32_t bottom, uint32_t dy, uint32_t colour);

/* kbd.c: the PS/2 keyboard as console input until a kernel driver claims IRQ 1 */
void kbd_init(void);
void kbd_intr(void);
extern volatile int kbd_claimed;

/* printf.c */
int kprintf(const char *fmt, ...);
int vkprintf(const char *fmt, va_list ap);
void panic(const char *fmt, ...) __attribute__((noreturn));

/* gdt.c */
void gdt_init(void);
void stack_guard_init(void);
extern char stack_guard[];              /* boot.S / limine_entry.S: the page below the stack */
int page_slot_free(uint64_t va);
int page_map(uint64_t va);

/* idt.c */
void idt_init(void);
extern volatile uint32_t irq_pending;

/* pic.c */
void pic_init(void);
void pic_mask(int irq);
void pic_unmask(int irq);
void pic_eoi(int irq);
int pic_spurious(int irq);

/* pit.c */
#define TICK_HZ 1000
void pit_init(void);
void pit_tick(uint64_t rip);
void profile_init(const char *cmdline);
void profile_dump(void);
extern volatile uint64_t ticks;

/* pci.c */
uint32_t pci_read32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off);
void pci_write32(uint32_t bus, uint32_t dev, uint32_t fn, uint32_t off, uint32_t v);

/* mem.c */
void mem_init(void);
void *heap_alloc(size_t n);
void heap_free(void *p);
void *heap_realloc(void *p, size_t n);
uint64_t heap_total(void);

/* wasm_glue.c */
void kernel_run(void) __attribute__((noreturn));
void machine_exit(uint32_t code) __attribute__((noreturn));
int wasm_guard_fault(uint64_t addr);
void wasm_oob_trap(void) __attribute__((noreturn));

/* Linker-script symbols. */
extern char __kernel_start[], __kernel_end[];
#endif
