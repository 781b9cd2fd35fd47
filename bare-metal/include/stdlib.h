/* Freestanding <stdlib.h>: the heap (libc.c) and abort. */
#ifndef STUB_STDLIB_H
#define STUB_STDLIB_H
#include <stddef.h>
#include <alloca.h>  /* glibc declares alloca here; wasm-rt-impl.c relies on it */
void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
void abort(void) __attribute__((noreturn));
#endif
