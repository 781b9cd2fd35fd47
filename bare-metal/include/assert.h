/* Freestanding <assert.h> for the wasm2c runtime: a failed assertion panics on serial. */
#ifndef STUB_ASSERT_H
#define STUB_ASSERT_H
void panic(const char *fmt, ...) __attribute__((noreturn));
#ifdef NDEBUG
#define assert(x) ((void)0)
#else
#define assert(x) ((x) ? (void)0 : panic("assertion failed: %s at %s:%d\n", #x, __FILE__, __LINE__))
#endif
#endif
