/* Freestanding <setjmp.h>: setjmp.S saves rbx, rbp, r12-r15, rsp and the return address. */
#ifndef STUB_SETJMP_H
#define STUB_SETJMP_H
typedef unsigned long jmp_buf[8];
int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int value) __attribute__((noreturn));
/* wasm2c's runtime with guard pages (WASM_RT_MEMCHECK_SIGNAL_HANDLER) asks for these; there are
   no signals here, so they are the plain ones. */
typedef jmp_buf sigjmp_buf;
#define sigsetjmp(env, savemask) setjmp(env)
#define siglongjmp(env, value) longjmp(env, value)
#endif
