/* malloc & co for the wasm2c output and runtime, over the heap of mem.c (kept apart from libc.c so
   that mem.c, which uses libc.c's memcpy, and libc.c do not depend on each other). */
#include "stub.h"
#include <stdlib.h>
#include <string.h>

/* Assume: mem_init ran; not called from interrupt handlers. */
void *malloc(size_t n) { return heap_alloc(n); }
void free(void *p) { heap_free(p); }
void *realloc(void *p, size_t n) { return heap_realloc(p, n); }

/* Fails (returns 0) when count * size overflows. */
void *calloc(size_t count, size_t size) {
  if (size && count > (size_t)-1 / size) return 0;
  void *p = heap_alloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}
