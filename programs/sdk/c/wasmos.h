/*
 * The wasmos SDK for C: the three imports of module "wasmos" (DESIGN.md, "The program ABI"), the
 * layout of the notifications `wait` writes, a small msgpack writer and reader, a blocking
 * `wasmos_call`, and helpers. Header-only: include it in one program. The generated interface
 * clients (gen/<interface>.h) are built on it.
 *
 * Build a wasmos program (no libc):
 *   clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=_start -Wl,--export=memory \
 *     -I programs/sdk/c -o prog.wasm main.c
 * and define `void _start(void)`. With wasi-libc (`--target=wasm32-wasi`) a program may use both
 * WASI and wasmos; the SDK then takes its buffers from malloc.
 */
#ifndef WASMOS_H
#define WASMOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the ABI */

#define WASMOS_IMPORT(name) __attribute__((import_module("wasmos"), import_name(name)))

/* Sends buf to the handler of the interface whose 32-byte digest is at iface. */
WASMOS_IMPORT("send") int32_t wasmos_send(const uint8_t *iface, const void *buf, uint32_t len, uint32_t flags, uint64_t *id_out);
/* Answers message id, which this process received. */
WASMOS_IMPORT("answer") int32_t wasmos_answer(uint64_t id, int32_t status, const void *buf, uint32_t len);
/* Takes the next notification; returns 0, its size, the size needed (> cap), or -code. */
WASMOS_IMPORT("wait") int32_t wasmos_wait(const uint64_t *ids, uint32_t count, void *out, uint32_t cap, uint32_t flags);

/* The ABI's numbers (WASMOS_OK, WASMOS_SEND_ANSWER, WASMOS_KIND_MESSAGE, ...): the kernel core's
   (src/kernel/core/codes.ts), copied into gen/wasmos_codes.h at build time. */
#include "gen/wasmos_codes.h"
/* The SDK's own status: an answer that does not decode as the interface says. */
#define WASMOS_BAD_ANSWER (-1)

/* ---- notifications, as `wait` writes them (little-endian, offsets in bytes) */

typedef struct { /* kind 1: the answer to a message this process sent; payload at offset 24 */
  uint8_t kind; uint8_t _pad[3];
  uint32_t status;
  uint64_t id;
  uint32_t len; uint32_t _pad2;
} wasmos_answer_note;

typedef struct { /* kind 2: a message to an interface this process handles; payload at offset 64 */
  uint8_t kind; uint8_t _pad[3];
  uint32_t flags; /* 1: an answer is expected */
  uint64_t id;
  uint64_t emitter;
  uint8_t iface[32];
  uint32_t len; uint32_t _pad2;
} wasmos_message_note;

typedef struct { /* kind 3: a process that had messaged this one ended */
  uint8_t kind; uint8_t _pad[3];
  int32_t status;
  uint64_t pid;
} wasmos_ended_note;

_Static_assert(offsetof(wasmos_answer_note, status) == 4 && offsetof(wasmos_answer_note, id) == 8 &&
  offsetof(wasmos_answer_note, len) == 16 && sizeof(wasmos_answer_note) == WASMOS_ANSWER_HEADER, "answer layout");
_Static_assert(offsetof(wasmos_message_note, flags) == 4 && offsetof(wasmos_message_note, id) == 8 &&
  offsetof(wasmos_message_note, emitter) == 16 && offsetof(wasmos_message_note, iface) == 24 &&
  offsetof(wasmos_message_note, len) == 56 && sizeof(wasmos_message_note) == WASMOS_MESSAGE_HEADER, "message layout");
_Static_assert(offsetof(wasmos_ended_note, status) == 4 && offsetof(wasmos_ended_note, pid) == 8 &&
  sizeof(wasmos_ended_note) == WASMOS_ENDED_SIZE, "ended layout");

/* ---- memory: freestanding programs grow linear memory; with a libc, malloc */

#ifdef __wasi__
#include <stdlib.h>
static inline void *wasmos_alloc(uint32_t size) { return malloc(size); }
#else
/* Grows memory by whole pages and returns the new region (never freed; used for buffers). */
static inline void *wasmos_alloc(uint32_t size) {
  int32_t old = __builtin_wasm_memory_grow(0, (size + 65535) / 65536);
  return old < 0 ? (void *)0 : (void *)((uintptr_t)old * 65536);
}
#endif

static inline void wasmos_copy(void *dst, const void *src, uint32_t n) {
  uint8_t *d = (uint8_t *)dst; const uint8_t *s = (const uint8_t *)src;
  for (uint32_t i = 0; i < n; i++) d[i] = s[i];
}

static inline uint32_t wasmos_strlen(const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  return n;
}

/* ---- msgpack writer: into a caller's buffer; `error` is set when it does not fit */

typedef struct { uint8_t *buf; uint32_t cap; uint32_t len; bool error; } wasmos_writer;
typedef struct { const uint8_t *ptr; uint32_t len; } wasmos_bytes;

static inline wasmos_writer wasmos_writer_on(void *buf, uint32_t cap) {
  wasmos_writer w = { (uint8_t *)buf, cap, 0, false };
  return w;
}

static inline uint8_t *mp_room(wasmos_writer *w, uint32_t n) {
  if (w->error || w->len + n > w->cap) { w->error = true; return (uint8_t *)0; }
  uint8_t *p = w->buf + w->len;
  w->len += n;
  return p;
}
static inline void mp_be(uint8_t *p, uint64_t v, int n) { for (int i = n - 1; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; } }
static inline void mp_head(wasmos_writer *w, uint8_t tag, uint64_t v, int n) {
  uint8_t *p = mp_room(w, 1 + n);
  if (p) { p[0] = tag; mp_be(p + 1, v, n); }
}
static inline void mp_nil(wasmos_writer *w) { mp_head(w, 0xc0, 0, 0); }
static inline void mp_bool(wasmos_writer *w, bool v) { mp_head(w, v ? 0xc3 : 0xc2, 0, 0); }
static inline void mp_uint(wasmos_writer *w, uint64_t v) {
  if (v < 0x80) mp_head(w, (uint8_t)v, 0, 0);
  else if (v <= 0xff) mp_head(w, 0xcc, v, 1);
  else if (v <= 0xffff) mp_head(w, 0xcd, v, 2);
  else if (v <= 0xffffffffu) mp_head(w, 0xce, v, 4);
  else mp_head(w, 0xcf, v, 8);
}
static inline void mp_int(wasmos_writer *w, int64_t v) {
  if (v >= 0) mp_uint(w, (uint64_t)v);
  else if (v >= -32) mp_head(w, (uint8_t)v, 0, 0);
  else if (v >= -128) mp_head(w, 0xd0, (uint64_t)v, 1);
  else if (v >= -32768) mp_head(w, 0xd1, (uint64_t)v, 2);
  else if (v >= -2147483647 - 1) mp_head(w, 0xd2, (uint64_t)v, 4);
  else mp_head(w, 0xd3, (uint64_t)v, 8);
}
static inline void mp_f64(wasmos_writer *w, double v) {
  union { double d; uint64_t u; } x; x.d = v;
  mp_head(w, 0xcb, x.u, 8);
}
static inline void mp_array(wasmos_writer *w, uint32_t n) {
  if (n < 16) mp_head(w, (uint8_t)(0x90 | n), 0, 0);
  else if (n <= 0xffff) mp_head(w, 0xdc, n, 2);
  else mp_head(w, 0xdd, n, 4);
}
static inline void mp_str(wasmos_writer *w, const char *s, uint32_t n) {
  if (n < 32) mp_head(w, (uint8_t)(0xa0 | n), 0, 0);
  else if (n <= 0xff) mp_head(w, 0xd9, n, 1);
  else if (n <= 0xffff) mp_head(w, 0xda, n, 2);
  else mp_head(w, 0xdb, n, 4);
  uint8_t *p = mp_room(w, n);
  if (p) wasmos_copy(p, s, n);
}
static inline void mp_cstr(wasmos_writer *w, const char *s) { mp_str(w, s, wasmos_strlen(s)); }
static inline void mp_bin(wasmos_writer *w, const void *data, uint32_t n) {
  if (n <= 0xff) mp_head(w, 0xc4, n, 1);
  else if (n <= 0xffff) mp_head(w, 0xc5, n, 2);
  else mp_head(w, 0xc6, n, 4);
  uint8_t *p = mp_room(w, n);
  if (p) wasmos_copy(p, data, n);
}

/* ---- msgpack reader: over a payload, in place; `error` is set on anything unexpected */

typedef struct { const uint8_t *p; uint32_t len; uint32_t pos; bool error; } wasmos_reader;

/* A list read from a payload: its element count and a reader positioned at its first element. */
typedef struct { uint32_t count; wasmos_reader items; } wasmos_list;

static inline wasmos_reader wasmos_reader_on(const void *p, uint32_t len) {
  wasmos_reader r = { (const uint8_t *)p, len, 0, false };
  return r;
}
static inline bool mp_has(wasmos_reader *r, uint32_t n) {
  if (r->error || r->pos + n > r->len) { r->error = true; return false; }
  return true;
}
static inline uint64_t mp_take_be(wasmos_reader *r, int n) {
  uint64_t v = 0;
  if (!mp_has(r, (uint32_t)n)) return 0;
  for (int i = 0; i < n; i++) v = (v << 8) | r->p[r->pos++];
  return v;
}
static inline uint8_t mp_tag(wasmos_reader *r) { return mp_has(r, 1) ? r->p[r->pos++] : 0; }

/* Any integer, as int64 (values above INT64_MAX read as their two's complement). */
static inline int64_t mp_read_int(wasmos_reader *r) {
  uint8_t t = mp_tag(r);
  if (r->error) return 0;
  if (t < 0x80) return t;
  if (t >= 0xe0) return (int8_t)t;
  switch (t) {
    case 0xcc: return (int64_t)mp_take_be(r, 1);
    case 0xcd: return (int64_t)mp_take_be(r, 2);
    case 0xce: return (int64_t)mp_take_be(r, 4);
    case 0xcf: return (int64_t)mp_take_be(r, 8);
    case 0xd0: return (int8_t)mp_take_be(r, 1);
    case 0xd1: return (int16_t)mp_take_be(r, 2);
    case 0xd2: return (int32_t)mp_take_be(r, 4);
    case 0xd3: return (int64_t)mp_take_be(r, 8);
  }
  r->error = true;
  return 0;
}
static inline uint64_t mp_read_uint(wasmos_reader *r) {
  if (!mp_has(r, 1)) return 0;
  if (r->p[r->pos] == 0xcf) { r->pos++; return mp_take_be(r, 8); }
  int64_t v = mp_read_int(r);
  if (v < 0) { r->error = true; return 0; }
  return (uint64_t)v;
}
static inline bool mp_read_bool(wasmos_reader *r) {
  uint8_t t = mp_tag(r);
  if (t != 0xc2 && t != 0xc3) r->error = true;
  return t == 0xc3;
}
static inline double mp_read_f64(wasmos_reader *r) {
  uint8_t t = mp_tag(r);
  if (t == 0xcb) { union { double d; uint64_t u; } x; x.u = mp_take_be(r, 8); return x.d; }
  if (t == 0xca) { union { float f; uint32_t u; } x; x.u = (uint32_t)mp_take_be(r, 4); return x.f; }
  if (!r->error) { r->pos--; return (double)mp_read_int(r); }
  return 0;
}
static inline uint32_t mp_read_array(wasmos_reader *r) {
  uint8_t t = mp_tag(r);
  if ((t & 0xf0) == 0x90) return t & 0x0f;
  if (t == 0xdc) return (uint32_t)mp_take_be(r, 2);
  if (t == 0xdd) return (uint32_t)mp_take_be(r, 4);
  r->error = true;
  return 0;
}
/* A str or bin value, in place (not NUL-terminated). */
static inline wasmos_bytes mp_read_bytes(wasmos_reader *r) {
  wasmos_bytes b = { (const uint8_t *)0, 0 };
  uint8_t t = mp_tag(r);
  uint32_t n;
  if ((t & 0xe0) == 0xa0) n = t & 0x1f;
  else if (t == 0xd9 || t == 0xc4) n = (uint32_t)mp_take_be(r, 1);
  else if (t == 0xda || t == 0xc5) n = (uint32_t)mp_take_be(r, 2);
  else if (t == 0xdb || t == 0xc6) n = (uint32_t)mp_take_be(r, 4);
  else { r->error = true; return b; }
  if (!mp_has(r, n)) return b;
  b.ptr = r->p + r->pos; b.len = n; r->pos += n;
  return b;
}
/* Skips one value of any type. */
static inline void mp_skip(wasmos_reader *r) {
  if (!mp_has(r, 1)) return;
  uint8_t t = r->p[r->pos];
  if ((t & 0xf0) == 0x90 || t == 0xdc || t == 0xdd) { uint32_t n = mp_read_array(r); for (uint32_t i = 0; i < n && !r->error; i++) mp_skip(r); return; }
  if ((t & 0xf0) == 0x80) { r->pos++; for (uint32_t i = 0; i < 2u * (t & 0x0f) && !r->error; i++) mp_skip(r); return; }
  if ((t & 0xe0) == 0xa0 || t == 0xd9 || t == 0xda || t == 0xdb || t == 0xc4 || t == 0xc5 || t == 0xc6) { mp_read_bytes(r); return; }
  if (t == 0xc0 || t == 0xc2 || t == 0xc3) { r->pos++; return; }
  if (t == 0xca || t == 0xcb) { mp_read_f64(r); return; }
  mp_read_int(r);
}

/* ---- the notification buffer, grown when a notification needs more room */

static uint8_t wasmos_small_buf[4096] __attribute__((aligned(8)));
static uint8_t *wasmos_buf = wasmos_small_buf;
static uint32_t wasmos_cap = sizeof wasmos_small_buf;

/* Takes the next notification (only answers to ids[0..count) when count > 0), blocking. */
static inline uint32_t wasmos_take(const uint64_t *ids, uint32_t count) {
  for (;;) {
    int32_t n = wasmos_wait(ids, count, wasmos_buf, wasmos_cap, WASMOS_WAIT_BLOCK);
    if (n < 0) __builtin_trap();
    if ((uint32_t)n <= wasmos_cap) return (uint32_t)n;
    uint32_t cap = ((uint32_t)n + 65535) & ~65535u;
    uint8_t *b = (uint8_t *)wasmos_alloc(cap);
    if (!b) __builtin_trap();
    wasmos_buf = b;
    wasmos_cap = cap;
  }
}

/* ---- calls */

/* The answer to a call: status 0 and the payload (valid until the next call or wasmos_next). */
typedef struct { int32_t status; wasmos_reader r; } wasmos_reply;

/* The shared buffer generated clients write requests into. */
static uint8_t wasmos_request_buf[65536] __attribute__((aligned(8)));

static inline wasmos_writer wasmos_request(void) {
  return wasmos_writer_on(wasmos_request_buf, sizeof wasmos_request_buf);
}

/*
 * Flags added to every request the SDK sends: set WASMOS_SEND_WAIT_HANDLER to have requests to an
 * interface nobody handles yet wait for a handler (a client started alongside its server).
 */
static uint32_t wasmos_send_flags = 0;

/* Sends a request expecting an answer: its id, or 0 with the failure in *status. */
static inline uint64_t wasmos_send_request(const uint8_t iface[32], const wasmos_writer *w, int32_t *status) {
  uint64_t id = 0;
  int32_t code = w->error ? WASMOS_TOO_LARGE : wasmos_send(iface, w->buf, w->len, WASMOS_SEND_ANSWER | wasmos_send_flags, &id);
  if (status) *status = code;
  return code == WASMOS_OK ? id : 0;
}

/* Blocks until the answer to message id. */
static inline wasmos_reply wasmos_await(uint64_t id) {
  wasmos_take(&id, 1);
  const wasmos_answer_note *a = (const wasmos_answer_note *)wasmos_buf;
  wasmos_reply reply = { (int32_t)a->status, wasmos_reader_on(wasmos_buf + WASMOS_ANSWER_HEADER, a->len) };
  return reply;
}

/* Sends the request in w and blocks until its answer; a send failure is the reply's status. */
static inline wasmos_reply wasmos_call(const uint8_t iface[32], const wasmos_writer *w) {
  int32_t status;
  uint64_t id = wasmos_send_request(iface, w, &status);
  if (id == 0) { wasmos_reply r = { status, wasmos_reader_on(0, 0) }; return r; }
  return wasmos_await(id);
}

/* Sends a message that expects no answer. */
static inline int32_t wasmos_notify(const uint8_t iface[32], const wasmos_writer *w) {
  return w->error ? WASMOS_TOO_LARGE : wasmos_send(iface, w->buf, w->len, wasmos_send_flags, (uint64_t *)0);
}

/* Takes the next notification of any kind, blocking; points at it (valid until the next take). */
static inline const uint8_t *wasmos_next(void) {
  wasmos_take((const uint64_t *)0, 0);
  return wasmos_buf;
}

/* Answers message id with status and the fields written in w (none when w is null). */
static inline int32_t wasmos_respond(uint64_t id, int32_t status, const wasmos_writer *w) {
  return w ? wasmos_answer(id, status, w->buf, w->len) : wasmos_answer(id, status, (const void *)0, 0);
}

#endif
