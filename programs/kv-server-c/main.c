/*
 * kv-server-c: handles the `kv` interface in C (no libc), keeping up to 64 values of up to
 * 256 bytes in static tables. The C counterpart of kv-server: any kv client works with either.
 */
#include "wasmos.h"
#include "gen/kv.h"
#include "gen/log.h"
#include "gen/process.h"
#include "gen/registry.h"

#define SLOTS 64
#define KEY_MAX 64
#define VALUE_MAX 256

static struct { bool used; char key[KEY_MAX + 1]; uint32_t len; uint8_t value[VALUE_MAX]; } slots[SLOTS];

static bool same(const char *key, wasmos_bytes b) {
  uint32_t i = 0;
  for (; i < b.len; i++) if (key[i] != (char)b.ptr[i]) return false;
  return key[i] == 0;
}

static int find(wasmos_bytes key) {
  for (int i = 0; i < SLOTS; i++) if (slots[i].used && same(slots[i].key, key)) return i;
  return -1;
}

static int32_t put(wasmos_bytes key, wasmos_bytes value) {
  if (key.len > KEY_MAX || value.len > VALUE_MAX) return WASMOS_BAD_REQUEST;
  int i = find(key);
  for (int k = 0; i < 0 && k < SLOTS; k++) if (!slots[k].used) i = k;
  if (i < 0) return WASMOS_BAD_REQUEST;
  slots[i].used = true;
  wasmos_copy(slots[i].key, key.ptr, key.len);
  slots[i].key[key.len] = 0;
  wasmos_copy(slots[i].value, value.ptr, value.len);
  slots[i].len = value.len;
  return 0;
}

static int less(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return (uint8_t)*a < (uint8_t)*b;
}

static void handle(const wasmos_message_note *m) {
  wasmos_reader r = wasmos_reader_on((const uint8_t *)m + sizeof *m, m->len);
  mp_read_array(&r);
  uint64_t index = mp_read_uint(&r);
  if (r.error) { wasmos_respond(m->id, WASMOS_BAD_REQUEST, 0); return; }
  switch (index) {
    case KV_MSG_PUT: {
      kv_put_params q;
      if (kv_put_read_params(&r, &q) != 0) { wasmos_respond(m->id, WASMOS_BAD_REQUEST, 0); return; }
      int32_t s = put(q.key, q.value);
      if (s == 0) kv_put_respond(m->id); else wasmos_respond(m->id, s, 0);
      return;
    }
    case KV_MSG_GET: {
      kv_get_params q;
      if (kv_get_read_params(&r, &q) != 0) { wasmos_respond(m->id, WASMOS_BAD_REQUEST, 0); return; }
      int i = find(q.key);
      if (i < 0) wasmos_respond(m->id, KV_ERR_NOT_FOUND, 0);
      else kv_get_respond(m->id, slots[i].value, slots[i].len);
      return;
    }
    case KV_MSG_DELETE: {
      kv_delete_params q;
      if (kv_delete_read_params(&r, &q) != 0) { wasmos_respond(m->id, WASMOS_BAD_REQUEST, 0); return; }
      int i = find(q.key);
      if (i < 0) { wasmos_respond(m->id, KV_ERR_NOT_FOUND, 0); return; }
      slots[i].used = false;
      kv_delete_respond(m->id);
      return;
    }
    case KV_MSG_LIST: {
      static const char *keys[SLOTS];
      uint32_t n = 0;
      for (int i = 0; i < SLOTS; i++) {
        if (!slots[i].used) continue;
        uint32_t j = n++;
        while (j > 0 && less(slots[i].key, keys[j - 1])) { keys[j] = keys[j - 1]; j--; }
        keys[j] = slots[i].key;
      }
      kv_list_respond(m->id, keys, n);
      return;
    }
  }
  if (m->flags & 1) wasmos_respond(m->id, WASMOS_BAD_REQUEST, 0);
}

void _start(void) {
  int32_t s = registry_register(KV_DIGEST, 32);
  if (s != 0) { log_write(4, "kv-server-c: cannot handle kv"); process_exit(1); }
  for (;;) {
    const uint8_t *note = wasmos_next();
    if (note[0] != WASMOS_KIND_MESSAGE) continue;
    const wasmos_message_note *m = (const wasmos_message_note *)note;
    bool mine = true;
    for (int i = 0; i < 32; i++) if (m->iface[i] != KV_DIGEST[i]) mine = false;
    if (mine) handle(m);
    else if (m->flags & 1) wasmos_respond(m->id, WASMOS_BAD_REQUEST, 0);
  }
}
