/* Physical memory: picks the largest usable RAM range that avoids the kernel image, the boot
   information and the boot modules, and runs a first-fit heap in it. Blocks are contiguous,
   each with a header {size | used, previous block's size}, so free coalesces both ways in
   O(1); realloc grows in place into a free neighbour or the untouched top, which is what
   wasm2c's memory.grow (a realloc of the whole linear memory) needs. */
#include "stub.h"
#include "x86.h"
#include <string.h>

#define ALIGN 16
#define USED 1ull
#define MAPPED_LIMIT (4ull << 30)       /* boot.S identity-maps the first 4 GiB */

struct block { uint64_t size; uint64_t prev_size; };  /* size includes the header; bit 0 = used */

static uint8_t *heap_start, *heap_top, *heap_limit;  /* blocks live in [heap_start, heap_top) */

static uint64_t bsize(struct block *b) { return b->size & ~USED; }
static struct block *next_of(struct block *b) { return (struct block *)((uint8_t *)b + bsize(b)); }
static struct block *prev_of(struct block *b) { return (struct block *)((uint8_t *)b - b->prev_size); }

/* Marks a physical range the heap must not use. Assumes: start < end; at most MAX_REGIONS calls
   (later ones would be dropped, so panic rather than risk handing out boot data). */
void boot_reserve(uint64_t start, uint64_t end) {
  if (bootinfo.nreserved >= MAX_REGIONS) panic("too many reserved memory ranges\n");
  bootinfo.reserved[bootinfo.nreserved++] = (struct mem_region){ start, end };
}

/* Assumes: bootinfo.regions and bootinfo.reserved are filled in. Chooses the largest piece of
   usable RAM below the mapped limit that overlaps no reserved range. */
void mem_init(void) {
  uint64_t best_start = 0, best_end = 0;
  for (int i = 0; i < bootinfo.nregions; i++) {
    uint64_t a = bootinfo.regions[i].start, b = bootinfo.regions[i].end;
    if (a < 0x100000) a = 0x100000;     /* leave the first MiB (BIOS, real-mode structures) */
    if (hhdm_offset == 0 && b > MAPPED_LIMIT) b = MAPPED_LIMIT;
    /* Candidate starts: the region's start and the end of every reserved range inside it. */
    for (int c = -1; c < bootinfo.nreserved; c++) {
      uint64_t s = c < 0 ? a : bootinfo.reserved[c].end;
      if (s < a || s >= b) continue;
      int inside = 0;
      for (int r = 0; r < bootinfo.nreserved; r++)
        if (s >= bootinfo.reserved[r].start && s < bootinfo.reserved[r].end) inside = 1;
      if (inside) continue;
      uint64_t e = b;
      for (int r = 0; r < bootinfo.nreserved; r++)
        if (bootinfo.reserved[r].start >= s && bootinfo.reserved[r].start < e) e = bootinfo.reserved[r].start;
      if (e - s > best_end - best_start) { best_start = s; best_end = e; }
    }
  }
  best_start = (best_start + 4095) & ~4095ull;
  best_end &= ~4095ull;
  if (best_end <= best_start + (1 << 20)) panic("no usable memory for the heap\n");
  heap_start = heap_top = phys_to_virt(best_start);
  heap_limit = phys_to_virt(best_end);
}

uint64_t heap_total(void) { return (uint64_t)(heap_limit - heap_start); }

static struct block *last;              /* the block that ends at heap_top, or 0 */

/* Block size for an n-byte request: header included, rounded to ALIGN (overflow checked by callers). */
static uint64_t round_size(size_t n) {
  return ((uint64_t)n + sizeof(struct block) + ALIGN - 1) & ~(uint64_t)(ALIGN - 1);
}

/* Shrinks used block b to `need` bytes: the rest becomes a free block (merged with a free
   block after it), or goes back to the top when b is the last block. */
static void split(struct block *b, uint64_t need) {
  uint64_t have = bsize(b);
  if (have - need < sizeof(struct block) + ALIGN) return;
  b->size = need | USED;
  if (b == last) { heap_top = (uint8_t *)next_of(b); return; }
  struct block *rest = next_of(b);
  rest->size = have - need;
  rest->prev_size = need;
  struct block *after = next_of(rest);  /* exists: b was not last; free blocks are never last */
  if (!(after->size & USED)) {
    rest->size += bsize(after);
    after = next_of(rest);
  }
  after->prev_size = rest->size;
}

/* Assumes: not called from interrupt handlers (no locking). */
void *heap_alloc(size_t n) {
  uint64_t need = round_size(n);
  if (need < (uint64_t)n) return 0;
  for (struct block *b = (struct block *)heap_start; (uint8_t *)b < heap_top; b = next_of(b)) {
    if (!(b->size & USED) && bsize(b) >= need) {
      b->size |= USED;
      split(b, need);
      return b + 1;
    }
  }
  if ((uint64_t)(heap_limit - heap_top) < need) return 0;
  struct block *b = (struct block *)heap_top;
  b->size = need | USED;
  b->prev_size = last ? bsize(last) : 0;
  last = b;
  heap_top += need;
  return b + 1;
}

/* Assumes: p came from heap_alloc/heap_realloc and was not freed yet. */
void heap_free(void *p) {
  if (!p) return;
  struct block *b = (struct block *)p - 1;
  b->size &= ~USED;
  if (b != last) {
    struct block *n = next_of(b);
    if (!(n->size & USED)) {
      if (n == last) last = b;
      b->size += bsize(n);
      if (b != last) next_of(b)->prev_size = b->size;
    }
  }
  if ((uint8_t *)b != heap_start) {
    struct block *pr = prev_of(b);
    if (!(pr->size & USED)) {
      if (b == last) last = pr;
      pr->size += bsize(b);
      if (pr != last) next_of(pr)->prev_size = pr->size;
      b = pr;
    }
  }
  if (b == last) {                      /* give the top back */
    heap_top = (uint8_t *)b;
    last = (uint8_t *)b == heap_start ? 0 : prev_of(b);
  }
}

/* Assumes: as heap_free. Grows in place when it can (top of heap or a free neighbour). */
void *heap_realloc(void *p, size_t n) {
  if (!p) return heap_alloc(n);
  struct block *b = (struct block *)p - 1;
  uint64_t need = round_size(n), have = bsize(b);
  if (need < (uint64_t)n) return 0;
  if (need <= have) { split(b, need); return p; }
  if (b == last) {
    if ((uint64_t)(heap_limit - (uint8_t *)b) < need) return 0;
    b->size = need | USED;
    heap_top = (uint8_t *)b + need;
    return p;
  }
  struct block *nx = next_of(b);
  if (!(nx->size & USED) && have + bsize(nx) >= need) {
    if (nx == last) last = b;
    b->size = (have + bsize(nx)) | USED;
    if (b != last) next_of(b)->prev_size = bsize(b);
    split(b, need);
    return p;
  }
  void *q = heap_alloc(n);
  if (!q) return 0;
  memcpy(q, p, have - sizeof(struct block));
  heap_free(p);
  return q;
}
