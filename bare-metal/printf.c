/* kprintf to the serial console (%s %c %d %u %x %p, with l/ll/z sizes) and panic. Integer only:
   safe in interrupt handlers. */
#include "stub.h"
#include "x86.h"

/* Assumes: base is 10 or 16; width <= 20. */
static void put_uint(uint64_t v, unsigned base, int width, char pad) {
  char buf[24];
  int n = 0;
  do { buf[n++] = "0123456789abcdef"[v % base]; v /= base; } while (v);
  while (n < width) buf[n++] = pad;
  while (n) serial_putc(buf[--n]);
}

/* Assumes: serial_init ran. Translates "\n" to "\r\n" for terminals. */
int vkprintf(const char *fmt, va_list ap) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') { if (*p == '\n') serial_putc('\r'); serial_putc(*p); continue; }
    p++;
    char pad = ' ';
    int width = 0, lng = 0;
    if (*p == '0') { pad = '0'; p++; }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    while (*p == 'l' || *p == 'z') { lng = 1; p++; }
    switch (*p) {
      case 's': { const char *s = va_arg(ap, const char *); if (!s) s = "(null)";
                  int len = 0; while (s[len]) len++;
                  for (; len < width; width--) serial_putc(' ');
                  while (*s) serial_putc(*s++);
                  break; }
      case 'c': serial_putc((char)va_arg(ap, int)); break;
      case 'd': { int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
                  if (v < 0) { serial_putc('-'); v = -v; }
                  put_uint((uint64_t)v, 10, width, pad); break; }
      case 'u': put_uint(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad); break;
      case 'x': put_uint(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad); break;
      case 'p': serial_putc('0'); serial_putc('x'); put_uint((uint64_t)va_arg(ap, void *), 16, 16, '0'); break;
      case '%': serial_putc('%'); break;
      default: serial_putc('%'); serial_putc(*p); if (!*p) return 0; break;
    }
  }
  return 0;
}

/* As vkprintf. */
int kprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vkprintf(fmt, ap);
  va_end(ap);
  return 0;
}

/* printf and perror exist for wasm-rt-impl.c's error paths. */
int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vkprintf(fmt, ap);
  va_end(ap);
  return 0;
}

void perror(const char *s) { kprintf("%s\n", s); }

/* Prints and halts for good with interrupts off. Safe anywhere, including interrupt handlers. */
void panic(const char *fmt, ...) {
  cli();
  kprintf("\nwasmos stub: panic: ");
  va_list ap;
  va_start(ap, fmt);
  vkprintf(fmt, ap);
  va_end(ap);
  halt_forever();
}

void abort(void) { panic("abort\n"); }
