/* Native driver for the bench: runs `run(n)` of a kernel module on the interpreter compiled to C
 * by wasm2c (build/interp/spec.wasm -> spec.c). Prints the result (u32) and the time in ms.
 * Usage: interp-bench KERNEL.wasm N
 * Built with BENCH_MEM_BASE (bare-metal/rewrite.mjs --base, see interp-native.ts), the runtime's
 * mmap is bench_mmap below: the linear memory's reservation goes to that fixed address, which
 * the rewritten loads and stores use as a constant. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "spec.h"

#ifdef BENCH_MEM_BASE
#include <stdint.h>
#include <sys/mman.h>

/* wasm-rt-impl.c calls mmap once a linear memory: the interpreter has one. */
void* bench_mmap(void* addr, size_t len, int prot, int flags, int fd, off_t off) {
  static int taken;
  (void)addr;
  if (taken++) { fprintf(stderr, "interp-bench: a second linear memory\n"); exit(70); }
  void* p = mmap((void*)(uintptr_t)BENCH_MEM_BASE, len, prot, flags | MAP_FIXED_NOREPLACE, fd, off);
  if (p != MAP_FAILED && p != (void*)(uintptr_t)BENCH_MEM_BASE) {
    fprintf(stderr, "interp-bench: the linear memory's address %p is taken\n", (void*)(uintptr_t)BENCH_MEM_BASE);
    exit(70);
  }
  return p;
}
#endif

struct Z_env_instance_t { int unused; };

void Z_envZ_abort(struct Z_env_instance_t* env, u32 msg, u32 file, u32 line, u32 col) {
  (void)env; (void)msg; (void)file;
  fprintf(stderr, "interpreter aborted at line %u:%u\n", line, col);
  exit(70);
}

static Z_spec_instance_t I;

static u32 put(const void* bytes, u32 len) {
  u32 p = Z_specZ_scratch(&I, len);
  memcpy(Z_specZ_memory(&I)->data + p, bytes, len);
  return len;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  if (argc != 3) { fprintf(stderr, "usage: %s KERNEL.wasm N\n", argv[0]); return 2; }
  FILE* f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 1; }
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char* buf = malloc(len);
  if (fread(buf, 1, len, f) != (size_t)len) { perror("read"); return 1; }
  fclose(f);

  struct Z_env_instance_t env;
  wasm_rt_init();
  Z_spec_init_module();
  Z_spec_instantiate(&I, &env);
  Z_specZ_reset_store(&I, 1024, 1 << 18, 2000);
  int mid = (int)Z_specZ_load_module(&I, put(buf, (u32)len));
  if (mid < 0) { fprintf(stderr, "load failed\n"); return 1; }
  const unsigned char sig[] = { 0x7f, 0x7f, 0x7f, 0x7f, 0x3a };
  u32 abort_fn = Z_specZ_host_func(&I, put(sig, sizeof sig), 1);
  Z_specZ_clear_imports(&I);
  for (u32 i = 0; i < Z_specZ_import_count(&I, mid); i++) Z_specZ_add_import(&I, 0, abort_fn);
  int iid = (int)Z_specZ_instantiate(&I, mid);
  if (iid < 0 || Z_specZ_initialize(&I, iid) != 0) { fprintf(stderr, "instantiate failed\n"); return 1; }
  int start = (int)Z_specZ_start_func(&I, iid);
  if (start >= 0) {
    Z_specZ_reset_call(&I);
    int st = (int)Z_specZ_call(&I, start);
    while (st == -1 || st == 1) st = (int)Z_specZ_run(&I, (u64)1 << 40);
    if (st != 0) { fprintf(stderr, "start function failed\n"); return 1; }
  }
  if ((int)Z_specZ_export_kind(&I, iid, put("run", 3)) != 0) { fprintf(stderr, "no run export\n"); return 1; }
  u32 run = Z_specZ_export_addr(&I);

  double t0 = now_ms();
  Z_specZ_reset_call(&I);
  Z_specZ_push_arg(&I, (u64)strtoull(argv[2], NULL, 10));
  int st = (int)Z_specZ_call(&I, run);
  while (st == -1 || st == 1) st = (int)Z_specZ_run(&I, (u64)1 << 40);
  double t1 = now_ms();
  if (st != 0) { fprintf(stderr, "status %d\n", st); return 1; }
  printf("%u %.3f\n", (u32)Z_specZ_result(&I, 0), t1 - t0);
  return 0;
}
