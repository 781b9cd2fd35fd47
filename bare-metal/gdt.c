/* Our own GDT with a TSS, loaded under both boot protocols: the TSS's interrupt stack (IST 1)
   lets NMI, double fault, page fault and machine check handlers run on a stack of their own,
   so a kernel stack overflow (a page fault on the guard page below the stack) is reported
   instead of escalating to a triple fault. Also unmaps that guard page, and maps pages into
   fresh virtual address space (page_map: kernel.wasm's linear memory behind guard pages). */
#include "stub.h"
#include "x86.h"
#include <string.h>

struct tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint8_t ist_stack[16384] __attribute__((aligned(16)));
static uint64_t gdt[5] __attribute__((aligned(16)));
static uint64_t guard_pt[512] __attribute__((aligned(4096)));

/* Assumes: interrupts are off and no IDT entry refers to the old selectors yet. After it, the
   kernel code selector is 0x08, data 0x10, the TSS 0x18. */
void gdt_init(void) {
  gdt[0] = 0;
  gdt[1] = 0x00209a0000000000ull;       /* 64-bit code, ring 0 */
  gdt[2] = 0x0000920000000000ull;       /* data */
  uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
  gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |   /* available 64-bit TSS */
           (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  gdt[4] = base >> 32;
  tss.ist[0] = (uint64_t)(uintptr_t)(ist_stack + sizeof(ist_stack));
  tss.iomap_base = sizeof(tss);         /* no I/O permission bitmap */
  struct { uint16_t limit; uint64_t base; } __attribute__((packed)) ptr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };
  __asm__ volatile(
    "lgdt %0\n\t"
    "pushq $0x08\n\t"
    "leaq 1f(%%rip), %%rax\n\t"
    "pushq %%rax\n\t"
    "lretq\n"
    "1:\n\t"
    "movw $0x10, %%ax\n\t"
    "movw %%ax, %%ds\n\t"
    "movw %%ax, %%es\n\t"
    "movw %%ax, %%ss\n\t"
    "xorw %%ax, %%ax\n\t"
    "movw %%ax, %%fs\n\t"
    "movw %%ax, %%gs\n\t"
    "movw $0x18, %%ax\n\t"
    "ltr %%ax"
    : : "m"(ptr) : "rax", "memory");
}

#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_PRESENT 1ull
#define PTE_HUGE 0x80ull

/* Unmaps the 4 KiB page `stack_guard` (boot.S / limine_entry.S put it right below the stack).
   Assumes: page-table pages are reachable through phys_to_virt (identity under Multiboot2,
   the HHDM under Limine). A 2 MiB mapping (Multiboot2) is split using guard_pt, whose physical
   address equals its virtual one only when identity-mapped, so under Limine a guard inside a
   2 MiB page is left mapped (Limine maps the kernel with 4 KiB pages). */
void stack_guard_init(void) {
  uint64_t va = (uint64_t)(uintptr_t)stack_guard, cr3;
  __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
  uint64_t *pml4 = phys_to_virt(cr3 & PTE_ADDR);
  uint64_t e = pml4[(va >> 39) & 511];
  if (!(e & PTE_PRESENT)) return;
  uint64_t *pdpt = phys_to_virt(e & PTE_ADDR);
  e = pdpt[(va >> 30) & 511];
  if (!(e & PTE_PRESENT) || (e & PTE_HUGE)) return;
  uint64_t *pd = phys_to_virt(e & PTE_ADDR);
  uint64_t *pde = &pd[(va >> 21) & 511];
  if (!(*pde & PTE_PRESENT)) return;
  if (*pde & PTE_HUGE) {
    if (hhdm_offset != 0) return;
    uint64_t frame = *pde & PTE_ADDR & ~0x1fffffull;
    for (int i = 0; i < 512; i++) guard_pt[i] = (frame + ((uint64_t)i << 12)) | 0x3;
    *pde = (uint64_t)(uintptr_t)guard_pt | 0x3;
  }
  uint64_t *pt = phys_to_virt(*pde & PTE_ADDR);
  pt[(va >> 12) & 511] = 0;
  __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");   /* flush the TLB */
}

/* Whether the top-level slot (512 GiB of virtual space) holding `va` is free. Limine uses slot
   256 and up for the HHDM and 511 for the kernel. */
int page_slot_free(uint64_t va) {
  uint64_t cr3;
  __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
  uint64_t *pml4 = phys_to_virt(cr3 & PTE_ADDR);
  return !(pml4[(va >> 39) & 511] & PTE_PRESENT);
}

/* A zeroed, 4 KiB-aligned page from the heap (kept for good: page tables and linear memory are
   never given back), or 0. Pages are cut from 2 MiB chunks so that alignment wastes little. */
static uint8_t *pool, *pool_end;
static void *page_alloc(void) {
  if (pool == pool_end) {
    uint8_t *chunk = heap_alloc((2u << 20) + 4096);
    if (!chunk) return 0;
    pool = (uint8_t *)(((uintptr_t)chunk + 4095) & ~(uintptr_t)4095);
    pool_end = pool + (2u << 20);
  }
  void *p = pool;
  pool += 4096;
  memset(p, 0, 4096);
  return p;
}

/* Maps a zeroed RAM page, writable, at virtual address `va` (4 KiB-aligned, inside a free slot,
   page_slot_free) unless one is mapped there already. Returns 0, or -1 when memory ran out.
   Assumes: page-table pages are reachable through phys_to_virt (Limine's HHDM), which is also
   where the heap lives, so a heap page's physical address is its address minus the offset. */
int page_map(uint64_t va) {
  uint64_t cr3;
  __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
  uint64_t *table = phys_to_virt(cr3 & PTE_ADDR);
  for (int shift = 39; shift > 12; shift -= 9) {
    uint64_t *e = &table[(va >> shift) & 511];
    if (!(*e & PTE_PRESENT)) {
      void *t = page_alloc();
      if (!t) return -1;
      *e = ((uint64_t)(uintptr_t)t - hhdm_offset) | 0x3;
    }
    table = phys_to_virt(*e & PTE_ADDR);
  }
  uint64_t *pte = &table[(va >> 12) & 511];
  if (*pte & PTE_PRESENT) return 0;
  void *page = page_alloc();
  if (!page) return -1;
  *pte = ((uint64_t)(uintptr_t)page - hhdm_offset) | 0x3;
  __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
  return 0;
}
