/* Freestanding <alloca.h>. */
#ifndef STUB_ALLOCA_H
#define STUB_ALLOCA_H
#define alloca(n) __builtin_alloca(n)
#endif
