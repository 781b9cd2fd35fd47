/* Freestanding <stdio.h>: just enough for wasm-rt-impl.c (its mmap error paths are unused). */
#ifndef STUB_STDIO_H
#define STUB_STDIO_H
int printf(const char *fmt, ...);
void perror(const char *s);
#endif
