/* The IDT and the C side of every interrupt: CPU exceptions print what happened and halt; PIC
   IRQs are recorded in irq_pending for the kernel to take (it polls; wasm is never re-entered
   from an interrupt). Built with -mgeneral-regs-only: nothing here may touch SSE registers. */
#include "stub.h"
#include "x86.h"

struct trapframe {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error;
  uint64_t rip, cs, rflags, rsp, ss;
};

struct idt_entry {
  uint16_t offset_low, selector;
  uint8_t ist, type_attr;
  uint16_t offset_mid;
  uint32_t offset_high, zero;
} __attribute__((packed));

static struct idt_entry idt[48];
extern const uint64_t isr_vectors[48];
volatile uint32_t irq_pending;

static const char *const exception_names[32] = {
  "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
  "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
  "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
  "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check", "#MC machine check",
  "#XM SIMD floating point", "#VE virtualization", "#CP control protection",
};

/* Assumes: isr_vectors (isr.S) holds 48 entry points; gdt_init ran (code selector 0x08, and a
   TSS whose IST 1 is a separate stack). */
void idt_init(void) {
  for (int i = 0; i < 48; i++) {
    uint64_t a = isr_vectors[i];
    idt[i].offset_low = a & 0xffff;
    idt[i].selector = 0x08;
    /* NMI, double fault, page fault and machine check run on the TSS's own stack (IST 1). */
    idt[i].ist = (i == 2 || i == 8 || i == 14 || i == 18) ? 1 : 0;
    idt[i].type_attr = 0x8e;            /* present, ring 0, 64-bit interrupt gate (IF cleared) */
    idt[i].offset_mid = (a >> 16) & 0xffff;
    idt[i].offset_high = a >> 32;
    idt[i].zero = 0;
  }
  struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)idt };
  __asm__ volatile("lidt %0" : : "m"(ptr));
}

/* Assumes: called from isr_common with interrupts off, on the interrupted code's stack. */
void trap(struct trapframe *tf) {
  if (tf->vector == 14 && wasm_guard_fault(read_cr2())) {
    /* kernel.wasm touched its linear memory out of bounds (wasm2c emits no bounds checks: the
       memory sits behind unmapped guard pages). Resume in wasm_oob_trap, as if the faulting
       instruction had called it, which unwinds to the stub's trap handler. */
    tf->rip = (uint64_t)(uintptr_t)wasm_oob_trap;
    tf->rsp = (tf->rsp & ~15ull) - 8;
    return;
  }
  if (tf->vector < 32) {
    const char *name = exception_names[tf->vector] ? exception_names[tf->vector] : "reserved";
    kprintf("\nwasmos stub: CPU exception %lu (%s) error %lx at rip %lx rsp %lx",
            tf->vector, name, tf->error, tf->rip, tf->rsp);
    if (tf->vector == 14) {
      uint64_t cr2 = read_cr2();
      kprintf(" cr2 %lx", cr2);
      if (cr2 >= (uint64_t)(uintptr_t)stack_guard && cr2 < (uint64_t)(uintptr_t)stack_guard + 4096)
        kprintf(" (kernel stack overflow)");
    }
    kprintf("\nwasmos stub: halted\n");
    halt_forever();
  }
  int irq = (int)tf->vector - 32;
  if (pic_spurious(irq)) return;
  if (irq == 0) {
    pit_tick(tf->rip);                  /* the stub owns the PIT: no ack needed */
  } else if (irq == 4) {
    serial_intr();                      /* the stub owns COM1: bytes wait in its buffer */
  } else if (irq == 1 && !kbd_claimed) {
    kbd_intr();                         /* console keyboard: its bytes join COM1's, and the */
    irq_pending |= 1u << 4;             /* kernel hears of them as serial input */
    pic_eoi(irq);
    return;
  } else {
    pic_mask(irq);                      /* level-triggered devices would fire again until the
                                           kernel has serviced them; it unmasks with irq_ack */
  }
  irq_pending |= 1u << irq;
  pic_eoi(irq);
}
