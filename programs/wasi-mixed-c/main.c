// wasi-mixed-c: a WASI program (wasi-libc: printf, getenv) that also uses wasmos interfaces
// through the C SDK: a module may import both. It prints with printf, then stores and reads back
// a value through the program-defined kv interface.
#include <stdio.h>
#include <string.h>
#include "wasmos.h"
#include "gen/kv.h"

int main(int argc, char **argv) {
  const char *key = argc > 1 ? argv[1] : "key";
  const char *value = argc > 2 ? argv[2] : "value";
  printf("printf works; asking kv\n");
  fflush(stdout);
  wasmos_send_flags = WASMOS_SEND_WAIT_HANDLER;
  int32_t s = kv_put(key, value, (uint32_t)strlen(value));
  if (s != 0) { printf("kv put failed: status %d\n", s); return 1; }
  kv_get_answer got;
  s = kv_get(key, &got);
  if (s != 0) { printf("kv get failed: status %d\n", s); return 1; }
  printf("kv: %s = %.*s\n", key, (int)got.value.len, (const char *)got.value.ptr);
  return 0;
}
