/* The two 8259 PICs: remapped to vectors 32..47, every line masked except the cascade until
   someone unmasks it. */
#include "stub.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

static uint16_t mask = 0xffff & ~(1u << 2);

static void io_wait(void) { outb(0x80, 0); }

/* Assumes: called with interrupts off or from code that owns `mask`. */
static void write_mask(void) {
  outb(PIC1_DATA, mask & 0xff);
  outb(PIC2_DATA, mask >> 8);
}

/* Assumes: interrupts are off. */
void pic_init(void) {
  outb(PIC1_CMD, 0x11); io_wait();      /* ICW1: init, expect ICW4 */
  outb(PIC2_CMD, 0x11); io_wait();
  outb(PIC1_DATA, 32); io_wait();       /* ICW2: vector offsets */
  outb(PIC2_DATA, 40); io_wait();
  outb(PIC1_DATA, 4); io_wait();        /* ICW3: slave on IRQ 2 */
  outb(PIC2_DATA, 2); io_wait();
  outb(PIC1_DATA, 1); io_wait();        /* ICW4: 8086 mode */
  outb(PIC2_DATA, 1); io_wait();
  write_mask();
}

/* Assumes: 0 <= irq < 16. Safe with interrupts on or off. */
void pic_mask(int irq) {
  uint64_t f = irq_save();
  mask |= 1u << irq;
  write_mask();
  irq_restore(f);
}

/* Assumes: 0 <= irq < 16. Safe with interrupts on or off. */
void pic_unmask(int irq) {
  uint64_t f = irq_save();
  mask &= ~(1u << irq);
  write_mask();
  irq_restore(f);
}

/* Assumes: irq is being serviced (called once per interrupt, at its end). */
void pic_eoi(int irq) {
  if (irq >= 8) outb(PIC2_CMD, 0x20);
  outb(PIC1_CMD, 0x20);
}

/* IRQ 7 and 15 can be spurious (the line dropped before the CPU acknowledged it): the PIC's
   in-service register then lacks the bit. A spurious 15 still needs an EOI on the master. */
int pic_spurious(int irq) {
  if (irq != 7 && irq != 15) return 0;
  uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;
  outb(cmd, 0x0b);                      /* OCW3: read ISR */
  if (inb(cmd) & 0x80) return 0;
  if (irq == 15) outb(PIC1_CMD, 0x20);
  return 1;
}
