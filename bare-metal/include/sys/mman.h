/* Freestanding <sys/mman.h>: declarations only. wasm-rt-impl.c defines static mmap helpers that
   are unused with WASM_RT_MEMCHECK_SIGNAL_HANDLER=0 and dropped by the compiler. */
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
