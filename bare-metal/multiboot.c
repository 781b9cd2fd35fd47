/* Multiboot2 entry (C side): turns GRUB's boot information into `bootinfo`. */
#include "stub.h"
#include "x86.h"

#define MB2_BOOTLOADER_MAGIC 0x36d76289
#define TAG_END 0
#define TAG_CMDLINE 1
#define TAG_MODULE 3
#define TAG_MMAP 6

struct tag { uint32_t type, size; };
struct tag_module { uint32_t type, size, mod_start, mod_end; char name[]; };
struct tag_mmap { uint32_t type, size, entry_size, entry_version; };
struct mmap_entry { uint64_t base, len; uint32_t type, reserved; };

/* Assumes: called once from boot.S in long mode with the first 4 GiB identity-mapped;
   `info` is the physical address GRUB passed in EBX (below 4 GiB). */
void multiboot_main(uint32_t magic, uint32_t info) {
  serial_init();
  if (magic != MB2_BOOTLOADER_MAGIC) panic("not booted by a Multiboot2 loader (magic %x)\n", magic);
  bootinfo.protocol = "multiboot2";
  bootinfo.cmdline = "";
  uint8_t *p = (uint8_t *)(uintptr_t)info;
  uint32_t total = *(uint32_t *)p;
  boot_reserve(info, (uint64_t)info + total);
  boot_reserve((uintptr_t)__kernel_start, (uintptr_t)__kernel_end);  /* linked = loaded here */
  for (struct tag *t = (struct tag *)(p + 8); t->type != TAG_END;
       t = (struct tag *)((uint8_t *)t + ((t->size + 7) & ~7u))) {
    if (t->type == TAG_CMDLINE) {
      bootinfo.cmdline = (const char *)(t + 1);
    } else if (t->type == TAG_MODULE && bootinfo.nmodules < MAX_MODULES) {
      struct tag_module *m = (struct tag_module *)t;
      struct boot_module *bm = &bootinfo.modules[bootinfo.nmodules++];
      bm->start = m->mod_start;
      bm->end = m->mod_end;
      bm->name = m->name;
      boot_reserve(m->mod_start, m->mod_end);
    } else if (t->type == TAG_MMAP) {
      struct tag_mmap *mm = (struct tag_mmap *)t;
      for (uint8_t *e = (uint8_t *)(mm + 1); e < (uint8_t *)t + t->size; e += mm->entry_size) {
        struct mmap_entry *me = (struct mmap_entry *)e;
        if (me->type == 1 && bootinfo.nregions < MAX_REGIONS)
          bootinfo.regions[bootinfo.nregions++] = (struct mem_region){ me->base, me->base + me->len };
      }
    }
  }
  stub_main();
}
