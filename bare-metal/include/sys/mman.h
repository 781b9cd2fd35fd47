/* Freestanding <sys/mman.h>: what wasm-rt-impl.c uses for linear memory behind guard pages
   (WASM_RT_MEMCHECK_SIGNAL_HANDLER=1): wasm_glue.c reserves virtual space and maps RAM into it. */
#ifndef STUB_SYS_MMAN_H
#define STUB_SYS_MMAN_H
#include <stddef.h>
#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define MAP_PRIVATE 2
#define MAP_ANONYMOUS 0x20
#define MAP_FAILED ((void *)-1)
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
#endif
