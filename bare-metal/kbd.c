/* The PS/2 keyboard as console input: scan code set 1 (what the 8042 controller hands out by
   default, translated) to ASCII, queued with the bytes COM1 receives, so a line typed on the PC's
   keyboard reaches `stdio` read like one typed on the serial console. Serves until kernel.wasm
   unmasks IRQ 1 itself (a keyboard driver program claimed the line); then the stub leaves the
   controller alone. */
#include "stub.h"
#include "x86.h"

volatile int kbd_claimed;
static int shift, ctrl, caps, extended;

static const char plain[0x3a] =
  "\0\x1b" "1234567890-=\b\t" "qwertyuiop[]\r\0" "asdfghjkl;'`\0\\" "zxcvbnm,./\0*\0 ";
static const char shifted[0x3a] =
  "\0\x1b" "!@#$%^&*()_+\b\t" "QWERTYUIOP{}\r\0" "ASDFGHJKL:\"~\0|" "ZXCVBNM<>?\0*\0 ";

/* Assumes: the PIC is initialised and IRQ 1 still masked. Drains what the controller holds. */
void kbd_init(void) {
  for (int i = 0; i < 16 && (inb(0x64) & 1); i++) (void)inb(0x60);
}

/* Assumes: called from the IRQ 1 handler with interrupts off, while no driver has claimed IRQ 1. */
void kbd_intr(void) {
  /* Bounded: where no controller answers, port 0x64 reads 0xff ("data ready" forever). */
  for (int n = 0; n < 16 && (inb(0x64) & 1); n++) {
    uint8_t sc = inb(0x60);
    if (sc == 0xe0) { extended = 1; continue; }
    int release = sc & 0x80, code = sc & 0x7f, ext = extended;
    extended = 0;
    if (code == 0x2a || code == 0x36) { shift = !release; continue; }
    if (code == 0x1d) { ctrl = !release; continue; }
    if (release) continue;
    if (code == 0x3a) { caps = !caps; continue; }
    if (ext) {
      if (code == 0x1c) console_input('\r');          /* keypad Enter */
      continue;                                        /* arrows and the like: not for a line editor */
    }
    if (code >= 0x3a) continue;
    char c = shift ? shifted[code] : plain[code];
    if (caps && c >= 'a' && c <= 'z' && !shift) c = (char)(c - 32);
    else if (caps && c >= 'A' && c <= 'Z' && shift) c = (char)(c + 32);
    if (ctrl && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c = (char)(c & 0x1f);
    if (c) console_input((uint8_t)c);
  }
}
