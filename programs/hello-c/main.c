/*
 * hello-c: a wasmos program in C, on the wasmos ABI alone (no libc). It greets with its arguments
 * on standard output, and with `kv KEY VALUE` stores a value through the program-defined kv
 * interface and reads it back.
 */
#include "wasmos.h"
#include "gen/kv.h"
#include "gen/log.h"
#include "gen/process.h"
#include "gen/stdio.h"

static char line[1024];
static uint32_t len;

static void add(const void *s, uint32_t n) {
  if (len + n > sizeof line) n = sizeof line - len;
  wasmos_copy(line + len, s, n);
  len += n;
}
static void adds(const char *s) { add(s, wasmos_strlen(s)); }
static void addn(int32_t v) {
  char digits[12]; int n = 0;
  uint32_t u = v < 0 ? (uint32_t)(-(int64_t)v) : (uint32_t)v;
  do { digits[n++] = (char)('0' + u % 10); u /= 10; } while (u);
  if (v < 0) adds("-");
  while (n) add(&digits[--n], 1);
}
static void flush(void) { stdio_write(1, line, len, 0); len = 0; }

/* Copies a wasmos_bytes into a NUL-terminated string (the answer buffer is reused by the next call). */
static void cstr(char *dst, uint32_t cap, wasmos_bytes b) {
  uint32_t n = b.len < cap - 1 ? b.len : cap - 1;
  wasmos_copy(dst, b.ptr, n);
  dst[n] = 0;
}

void _start(void) {
  process_args_answer a;
  if (process_args(&a) != 0) process_exit(70);
  static char args[8][128];
  uint32_t argc = 0;
  for (uint32_t i = 0; i < a.args.count && argc < 8; i++) cstr(args[argc++], sizeof args[0], mp_read_bytes(&a.args.items));

  adds("Hello from C on wasmos! args:");
  for (uint32_t i = 0; i < argc; i++) { adds(" ["); adds(args[i]); adds("]"); }
  adds("\n");
  flush();
  log_write(2, "hello-c says hello");

  if (argc == 4 && args[1][0] == 'k' && args[1][1] == 'v' && args[1][2] == 0) {
    /* The kv server may be starting alongside: wait for it rather than fail with "no handler". */
    wasmos_send_flags = WASMOS_SEND_WAIT_HANDLER;
    int32_t s = kv_put(args[2], args[3], wasmos_strlen(args[3]));
    if (s != 0) { adds("kv put failed: status "); addn(s); adds("\n"); flush(); process_exit(1); }
    kv_get_answer got;
    s = kv_get(args[2], &got);
    if (s != 0) { adds("kv get failed: status "); addn(s); adds("\n"); flush(); process_exit(1); }
    adds("kv: "); adds(args[2]); adds(" = "); add(got.value.ptr, got.value.len); adds("\n");
    flush();
    s = kv_get("no-such-key", 0);
    adds("kv: no-such-key -> status "); addn(s); adds("\n");
    flush();
  }
  process_exit(0);
}
