/* The C library the wasm2c output and runtime need: memory and string functions (rep movsb/stosb,
   which also keeps gcc from turning them into calls to themselves); malloc & co are in mem.c. */
#include "stub.h"
#include <string.h>

/* Assumes: the ranges do not overlap (memmove handles overlap); DF is clear (SysV ABI). */
void *memcpy(void *dst, const void *src, size_t n) {
  void *d = dst;
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
  return dst;
}

/* Copies backwards when dst lies inside [src, src+n); restores DF afterwards. */
void *memmove(void *dst, const void *src, size_t n) {
  if ((uintptr_t)dst - (uintptr_t)src >= n) return memcpy(dst, src, n);  /* no harmful overlap */
  const uint8_t *s = (const uint8_t *)src + n - 1;
  uint8_t *d = (uint8_t *)dst + n - 1;
  __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dst;
}

/* Assumes: DF is clear. */
void *memset(void *dst, int c, size_t n) {
  void *d = dst;
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
  return dst;
}

/* Byte-wise, as unsigned chars. */
int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (size_t i = 0; i < n; i++)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

/* Assumes: s is NUL-terminated. */
size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* Assumes: both strings are readable up to n bytes or their NUL. */
int strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i]) return (uint8_t)a[i] < (uint8_t)b[i] ? -1 : 1;
    if (!a[i]) return 0;
  }
  return 0;
}
