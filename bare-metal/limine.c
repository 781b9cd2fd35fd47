/* Limine boot protocol entry (C side): the requests the bootloader answers (base revision,
   memory map, higher-half direct map, modules, the kernel file for its command line, the
   framebuffer for the screen console), turned into `bootinfo`. Linked higher-half (limine.ld) and built with -mcmodel=kernel. */
#include "stub.h"
#include "x86.h"

#define COMMON_MAGIC 0xc7b1dd30df4c8b88ull, 0x0a82e883a194f07bull
#define REQUEST __attribute__((used, section(".limine_requests"))) static volatile

struct limine_file {
  uint64_t revision;
  void *address;
  uint64_t size;
  char *path;
  char *string;                         /* the module's (or kernel's) command line */
};
struct limine_memmap_entry { uint64_t base, length, type; };
struct limine_memmap_response { uint64_t revision, entry_count; struct limine_memmap_entry **entries; };
struct limine_hhdm_response { uint64_t revision, offset; };
struct limine_module_response { uint64_t revision, module_count; struct limine_file **modules; };
struct limine_file_response { uint64_t revision; struct limine_file *file; };
struct limine_framebuffer {
  void *address;
  uint64_t width, height, pitch;
  uint16_t bpp;
  uint8_t memory_model, red_mask_size, red_mask_shift, green_mask_size, green_mask_shift,
    blue_mask_size, blue_mask_shift;
};
struct limine_framebuffer_response { uint64_t revision, framebuffer_count; struct limine_framebuffer **framebuffers; };

struct request { uint64_t id[4]; uint64_t revision; void *response; };

__attribute__((used, section(".limine_requests_start"))) static volatile uint64_t requests_start[4] = {
  0xf6b8f4b39de7d1ae, 0xfab91a6940fcb9cf, 0x785c6ed015d3e316, 0x181e920a7852b9d9 };
/* Base revision 2: the HHDM still covers MMIO below 4 GiB (revision 3 stops mapping it). The
   bootloader sets [2] to 0 when it supports the revision. */
REQUEST uint64_t base_revision[3] = { 0xf9562b2d5c95a6c8, 0x6a7b384944536bdc, 2 };
REQUEST struct request memmap_request = { { COMMON_MAGIC, 0x67cf3d9d378a806f, 0xe304acdfc50c3c62 }, 0, 0 };
REQUEST struct request hhdm_request = { { COMMON_MAGIC, 0x48dcf1cb8ad2b852, 0x63984e959a98244b }, 0, 0 };
REQUEST struct request module_request = { { COMMON_MAGIC, 0x3e7e279702be32af, 0xca1c4f3bd1280cee }, 0, 0 };
REQUEST struct request framebuffer_request = { { COMMON_MAGIC, 0x9d5827dcd881dd75, 0xa3148604f6fab11b }, 0, 0 };
REQUEST struct request kernel_file_request = { { COMMON_MAGIC, 0xad97e90e83f1ed67, 0x31eb5d1c5ff23b69 }, 0, 0 };
__attribute__((used, section(".limine_requests_end"))) static volatile uint64_t requests_end[2] = {
  0xadc0e0531bb10d03, 0x9572709f31764c62 };

#define MEMMAP_USABLE 0

/* Assumes: called from limine_entry.S in long mode, on our own stack, with SSE enabled and
   interrupts off; Limine's page tables (higher-half kernel, HHDM) stay in use. Only USABLE memory
   goes to the heap, so the bootloader's structures (which bootinfo points into: module paths,
   the command line) and the kernel and modules are never overwritten. */
void limine_main(void) {
  serial_init();
  struct limine_framebuffer_response *fbr = framebuffer_request.response;
  if (fbr && fbr->framebuffer_count > 0) {
    struct limine_framebuffer *f = fbr->framebuffers[0];
    struct screen_mode m = { f->width, f->height, f->pitch, f->bpp, f->red_mask_size, f->red_mask_shift,
                             f->green_mask_size, f->green_mask_shift, f->blue_mask_size, f->blue_mask_shift };
    if (screen_init(f->address, &m) == 0) {
      screen_note(hhdm_request.response ? (uint64_t)(uintptr_t)f->address - ((struct limine_hhdm_response *)hhdm_request.response)->offset : 0, f->width, f->height);
      kprintf("wasmos stub: screen %lux%lu, %d x %d characters\n", f->width, f->height, screen_cols(), screen_rows());
    }
  }
  if (base_revision[2] != 0) panic("the bootloader does not support Limine base revision 2\n");
  struct limine_hhdm_response *hhdm = hhdm_request.response;
  struct limine_memmap_response *mm = memmap_request.response;
  if (!hhdm || !mm) panic("Limine gave no HHDM or memory map\n");
  hhdm_offset = hhdm->offset;
  bootinfo.protocol = "limine";
  bootinfo.cmdline = "";
  struct limine_file_response *kf = kernel_file_request.response;
  if (kf && kf->file && kf->file->string) bootinfo.cmdline = kf->file->string;
  for (uint64_t i = 0; i < mm->entry_count && bootinfo.nregions < MAX_REGIONS; i++) {
    struct limine_memmap_entry *e = mm->entries[i];
    if (e->type == MEMMAP_USABLE)
      bootinfo.regions[bootinfo.nregions++] = (struct mem_region){ e->base, e->base + e->length };
  }
  struct limine_module_response *mods = module_request.response;
  for (uint64_t i = 0; mods && i < mods->module_count && bootinfo.nmodules < MAX_MODULES; i++) {
    struct limine_file *f = mods->modules[i];
    struct boot_module *bm = &bootinfo.modules[bootinfo.nmodules++];
    bm->start = (uint64_t)(uintptr_t)f->address - hhdm_offset;  /* stored physical, like Multiboot2 */
    bm->end = bm->start + f->size;
    bm->name = f->string && f->string[0] ? f->string : f->path;
  }
  stub_main();
}
