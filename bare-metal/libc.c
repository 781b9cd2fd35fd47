/* The C library the wasm2c output and runtime need: memory and string functions; malloc & co
   are in mem.c. */
#include "stub.h"
#include <string.h>

/* Memory moves go eight bytes at a time (unaligned loads and stores are fine on x86_64): under
   an emulator such as QEMU's TCG, `rep movsb`/`rep stosb` and byte loops cost an emulated
   iteration per byte, which made every allocation's zeroing and every message copy of the
   wasm2c code slow. Loops, not calls to builtins: -fno-tree-loop-distribute-patterns keeps gcc
   from turning them back into calls to these very functions. Short lengths and the tail of long
   ones are moved as two words that may overlap (the first and the last bytes), not byte by byte:
   under TCG every turn of a loop is a translated block of its own. */
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_u64;
typedef uint32_t __attribute__((may_alias, aligned(1))) unaligned_u32;
typedef uint16_t __attribute__((may_alias, aligned(1))) unaligned_u16;

/* Assumes: the ranges do not overlap, or dst lies below src (memmove copies the other case).
   Every load of a step comes before its stores, and the tail is read before the loop writes. */
void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (n <= 16) {
    if (n >= 8) {
      uint64_t a = *(const unaligned_u64 *)s, b = *(const unaligned_u64 *)(s + n - 8);
      *(unaligned_u64 *)d = a;
      *(unaligned_u64 *)(d + n - 8) = b;
    } else if (n >= 4) {
      uint32_t a = *(const unaligned_u32 *)s, b = *(const unaligned_u32 *)(s + n - 4);
      *(unaligned_u32 *)d = a;
      *(unaligned_u32 *)(d + n - 4) = b;
    } else if (n >= 2) {
      uint16_t a = *(const unaligned_u16 *)s, b = *(const unaligned_u16 *)(s + n - 2);
      *(unaligned_u16 *)d = a;
      *(unaligned_u16 *)(d + n - 2) = b;
    } else if (n == 1) {
      *d = *s;
    }
    return dst;
  }
  if (n <= 32) {
    uint64_t a = ((const unaligned_u64 *)s)[0], b = ((const unaligned_u64 *)s)[1];
    uint64_t c = *(const unaligned_u64 *)(s + n - 16), e = *(const unaligned_u64 *)(s + n - 8);
    ((unaligned_u64 *)d)[0] = a;
    ((unaligned_u64 *)d)[1] = b;
    *(unaligned_u64 *)(d + n - 16) = c;
    *(unaligned_u64 *)(d + n - 8) = e;
    return dst;
  }
  const uint8_t *ts = s + n - 32;
  uint64_t t0 = ((const unaligned_u64 *)ts)[0], t1 = ((const unaligned_u64 *)ts)[1];
  uint64_t t2 = ((const unaligned_u64 *)ts)[2], t3 = ((const unaligned_u64 *)ts)[3];
  uint8_t *td = d + n - 32;
  for (; n > 32; n -= 32, d += 32, s += 32) {
    uint64_t a = ((const unaligned_u64 *)s)[0], b = ((const unaligned_u64 *)s)[1];
    uint64_t c = ((const unaligned_u64 *)s)[2], e = ((const unaligned_u64 *)s)[3];
    ((unaligned_u64 *)d)[0] = a;
    ((unaligned_u64 *)d)[1] = b;
    ((unaligned_u64 *)d)[2] = c;
    ((unaligned_u64 *)d)[3] = e;
  }
  ((unaligned_u64 *)td)[0] = t0;
  ((unaligned_u64 *)td)[1] = t1;
  ((unaligned_u64 *)td)[2] = t2;
  ((unaligned_u64 *)td)[3] = t3;
  return dst;
}

/* Copies backwards when dst lies inside [src, src+n): each word is read before the words below
   it are written, and those are all it could overlap. */
void *memmove(void *dst, const void *src, size_t n) {
  if ((uintptr_t)dst - (uintptr_t)src >= n) return memcpy(dst, src, n);  /* no harmful overlap */
  uint8_t *d = (uint8_t *)dst + n;
  const uint8_t *s = (const uint8_t *)src + n;
  for (; n >= 8; n -= 8) {
    d -= 8;
    s -= 8;
    *(unaligned_u64 *)d = *(const unaligned_u64 *)s;
  }
  while (n-- > 0) *--d = *--s;
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  uint64_t v = (uint8_t)c * 0x0101010101010101ull;
  if (n <= 16) {
    if (n >= 8) {
      *(unaligned_u64 *)d = v;
      *(unaligned_u64 *)(d + n - 8) = v;
    } else if (n >= 4) {
      *(unaligned_u32 *)d = (uint32_t)v;
      *(unaligned_u32 *)(d + n - 4) = (uint32_t)v;
    } else if (n >= 2) {
      *(unaligned_u16 *)d = (uint16_t)v;
      *(unaligned_u16 *)(d + n - 2) = (uint16_t)v;
    } else if (n == 1) {
      *d = (uint8_t)c;
    }
    return dst;
  }
  uint8_t *end = d + n;
  if (n <= 32) {
    ((unaligned_u64 *)d)[0] = v;
    ((unaligned_u64 *)d)[1] = v;
  } else {
    for (; n > 32; n -= 32, d += 32) {
      ((unaligned_u64 *)d)[0] = v;
      ((unaligned_u64 *)d)[1] = v;
      ((unaligned_u64 *)d)[2] = v;
      ((unaligned_u64 *)d)[3] = v;
    }
    /* The last 32 bytes, overlapping what the loop set. */
    ((unaligned_u64 *)(end - 32))[0] = v;
    ((unaligned_u64 *)(end - 32))[1] = v;
  }
  ((unaligned_u64 *)(end - 16))[0] = v;
  ((unaligned_u64 *)(end - 16))[1] = v;
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
