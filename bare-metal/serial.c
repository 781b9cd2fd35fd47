/* COM1 (16550 UART at 0x3f8): polled output (mirrored on the screen console), interrupt-driven
   input into a ring buffer that the keyboard feeds too. */
#include "stub.h"
#include "x86.h"

#define COM1 0x3f8
#define RBUF 4096

static volatile uint8_t rbuf[RBUF];
static volatile uint32_t rhead, rtail;  /* rhead: next write (ISR), rtail: next read */

/* Assumes: the PIC is not yet initialised (IRQ 4 is unmasked here, taken once sti runs). */
void serial_init(void) {
  outb(COM1 + 1, 0x00);                 /* no interrupts while configuring */
  outb(COM1 + 3, 0x80);                 /* DLAB */
  outb(COM1 + 0, 0x01);                 /* divisor 1: 115200 baud */
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03);                 /* 8N1 */
  outb(COM1 + 2, 0x07);                 /* FIFO on, cleared, interrupt at 1 byte */
  outb(COM1 + 4, 0x0b);                 /* DTR, RTS, OUT2 (routes the IRQ on PCs) */
  outb(COM1 + 1, 0x01);                 /* interrupt when data arrives */
  (void)inb(COM1 + 0);
}

/* Assumes: serial_init ran. Busy-waits on the transmitter; the screen shows the byte too. */
void serial_putc(char c) {
  while (!(inb(COM1 + 5) & 0x20)) {}
  outb(COM1, (uint8_t)c);
  screen_putc(c);
}

/* As serial_putc; bytes go out raw. */
void serial_write(const void *buf, size_t n) {
  const char *p = buf;
  for (size_t i = 0; i < n; i++) serial_putc(p[i]);
}

/* Assumes: interrupts are off (called from an IRQ handler). Drops the byte when the buffer is full. */
void console_input(uint8_t b) {
  if (rhead - rtail < RBUF) {
    rbuf[rhead % RBUF] = b;
    rhead++;
  }
}

/* Assumes: called from the IRQ 4 handler with interrupts off. */
void serial_intr(void) {
  while (inb(COM1 + 5) & 0x01) console_input(inb(COM1));
}

/* Assumes: not called from an interrupt handler. */
size_t serial_read(void *buf, size_t cap) {
  uint8_t *p = buf;
  size_t n = 0;
  uint64_t f = irq_save();
  while (n < cap && rtail != rhead) {
    p[n++] = rbuf[rtail % RBUF];
    rtail++;
  }
  irq_restore(f);
  return n;
}
