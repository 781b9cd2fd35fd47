// Code generation from interface definitions for C programs (over programs/sdk/c/wasmos.h): per
// interface a header with its digest, message indices and error codes, a blocking client function
// per message, request writers and answer readers (for programs with several calls outstanding),
// and, for handlers, parameter readers and answer writers. Run by scripts/build.d/11-interfaces-c.ts.
//
// Types: integers and bool are C scalars, f64 is double. A `str` parameter is a NUL-terminated
// string, `bytes` a pointer and a length, `list<T>` a pointer to T's C type and a count. In answers
// and read parameters, `str` and `bytes` are wasmos_bytes pointing into the notification (valid
// until the next call), and a list is a wasmos_list whose reader is positioned at its elements.
import type { FieldDef, InterfaceDef, InterfaceName, MessageDef } from '../definition.ts'

const C_RESERVED = new Set(['auto', 'break', 'case', 'char', 'const', 'continue', 'default', 'do', 'double',
  'else', 'enum', 'extern', 'float', 'for', 'goto', 'if', 'inline', 'int', 'long', 'register', 'restrict',
  'return', 'short', 'signed', 'sizeof', 'static', 'struct', 'switch', 'typedef', 'union', 'unsigned',
  'void', 'volatile', 'while', 'bool', 'true', 'false', 'out', 'w', 'r', 'reply', 'id'])
const cid = (s: string): string => C_RESERVED.has(s) ? `${s}_` : s

const INTS: Record<string, string> = {
  u8: 'uint8_t', u16: 'uint16_t', u32: 'uint32_t', u64: 'uint64_t', i32: 'int32_t', i64: 'int64_t'
}

function listOf (type: string): string | null {
  const m = /^list<(.+)>$/.exec(type)
  return m == null ? null : m[1]
}

/** The C type of one scalar element given as a parameter (inside a list: what the pointer points to). */
function paramElem (type: string): string {
  if (INTS[type] !== undefined) return INTS[type]
  switch (type) {
    case 'f64': return 'double'
    case 'bool': return 'bool'
    case 'str': return 'const char *'
    case 'bytes': return 'wasmos_bytes'
  }
  throw new Error(`C clients do not support nested lists (${type})`)
}

/** The C parameter declarations of a field. */
function paramDecl (f: FieldDef): string {
  const n = cid(f.name)
  const inner = listOf(f.type)
  if (inner !== null) {
    const e = paramElem(inner)
    return `const ${e.startsWith('const ') ? e.slice(6) + 'const' : e} *${n}, uint32_t ${n}_count`
  }
  if (f.type === 'bytes') return `const void *${n}, uint32_t ${n}_len`
  return `${paramElem(f.type)}${f.type === 'str' ? '' : ' '}${n}`
}

function writeScalar (type: string, expr: string, lenExpr: string | null): string {
  if (INTS[type] !== undefined) return type.startsWith('u') ? `mp_uint(w, ${expr});` : `mp_int(w, ${expr});`
  switch (type) {
    case 'f64': return `mp_f64(w, ${expr});`
    case 'bool': return `mp_bool(w, ${expr});`
    case 'str': return `mp_cstr(w, ${expr});`
    case 'bytes': return lenExpr !== null ? `mp_bin(w, ${expr}, ${lenExpr});` : `mp_bin(w, ${expr}.ptr, ${expr}.len);`
  }
  throw new Error(`unknown type ${type}`)
}

function writeField (f: FieldDef, indent: string): string {
  const n = cid(f.name)
  const inner = listOf(f.type)
  if (inner !== null) {
    return `${indent}mp_array(w, ${n}_count);\n${indent}for (uint32_t i = 0; i < ${n}_count; i++) ${writeScalar(inner, `${n}[i]`, null)}\n`
  }
  return `${indent}${writeScalar(f.type, n, f.type === 'bytes' ? `${n}_len` : null)}\n`
}

/** The C type of a field read from a payload (answers, received parameters). */
function readType (type: string): string {
  if (listOf(type) !== null) return 'wasmos_list'
  if (INTS[type] !== undefined) return INTS[type]
  switch (type) {
    case 'f64': return 'double'
    case 'bool': return 'bool'
    default: return 'wasmos_bytes'
  }
}

function readField (f: FieldDef, target: string, indent: string): string {
  const t = f.type
  if (listOf(t) !== null) {
    return `${indent}${target}.count = mp_read_array(r);\n${indent}${target}.items = *r;\n` +
      `${indent}for (uint32_t i = 0; i < ${target}.count && !r->error; i++) mp_skip(r);\n`
  }
  if (INTS[t] !== undefined) return `${indent}${target} = (${INTS[t]})mp_read_${t.startsWith('u') ? 'uint' : 'int'}(r);\n`
  if (t === 'f64') return `${indent}${target} = mp_read_f64(r);\n`
  if (t === 'bool') return `${indent}${target} = mp_read_bool(r);\n`
  return `${indent}${target} = mp_read_bytes(r);\n`
}

const comment = (s: string | undefined): string => (s ?? '').replace(/\*\//g, '* /')

function message (prefix: string, digest: string, m: MessageDef, index: number): string {
  const P = `${prefix}_${m.name}`
  const decls = m.params.map(paramDecl)
  let out = `/* ---- ${m.name}: ${comment(m.doc)} */\n\n`
  out += `/* Writes a ${m.name} request (for wasmos_send_request with several calls outstanding). */\n`
  out += `static inline void ${P}_request(${['wasmos_writer *w', ...decls].join(', ')}) {\n`
  out += `  mp_array(w, ${m.params.length + 1});\n  mp_uint(w, ${index});\n`
  out += m.params.map((f) => writeField(f, '  ')).join('') + '}\n\n'
  const args = m.params.flatMap((f) => {
    const n = cid(f.name)
    if (listOf(f.type) !== null) return [n, `${n}_count`]
    if (f.type === 'bytes') return [n, `${n}_len`]
    return [n]
  })
  const ans = m.answer
  if (ans === undefined) {
    out += `/* ${comment(m.doc)} (no answer: returns the send code) */\n`
    out += `static inline int32_t ${P}(${decls.join(', ') || 'void'}) {\n`
    out += `  wasmos_writer w = wasmos_request();\n  ${P}_request(${['&w', ...args].join(', ')});\n  return wasmos_notify(${digest}, &w);\n}\n\n`
  } else {
    if (ans.length > 0) {
      out += `typedef struct {\n${ans.map((f) => `  ${readType(f.type)} ${cid(f.name)};\n`).join('')}} ${P}_answer;\n\n`
      out += `/* Reads the answer to ${m.name}: 0, or WASMOS_BAD_ANSWER. */\n`
      out += `static inline int32_t ${P}_read_answer(wasmos_reader *r, ${P}_answer *out) {\n`
      out += `  if (mp_read_array(r) != ${ans.length}) return WASMOS_BAD_ANSWER;\n`
      out += ans.map((f) => readField(f, `out->${cid(f.name)}`, '  ')).join('')
      out += '  return r->error ? WASMOS_BAD_ANSWER : 0;\n}\n\n'
    }
    const outParam = ans.length > 0 ? [`${P}_answer *out`] : []
    out += `/* ${comment(m.doc)} Returns 0 or the failure status${ans.length > 0 ? '; the answer in *out (may be NULL)' : ''}. */\n`
    out += `static inline int32_t ${P}(${[...decls, ...outParam].join(', ') || 'void'}) {\n`
    out += `  wasmos_writer w = wasmos_request();\n  ${P}_request(${['&w', ...args].join(', ')});\n`
    out += `  wasmos_reply reply = wasmos_call(${digest}, &w);\n  if (reply.status != 0) return reply.status;\n`
    out += ans.length > 0 ? `  ${P}_answer ignored;\n  return ${P}_read_answer(&reply.r, out ? out : &ignored);\n}\n\n` : '  return 0;\n}\n\n'
  }
  // Handler side.
  if (m.params.length > 0) {
    out += `typedef struct {\n${m.params.map((f) => `  ${readType(f.type)} ${cid(f.name)};\n`).join('')}} ${P}_params;\n\n`
    out += `/* Reads the parameters of ${m.name} after the message index: 0, or WASMOS_BAD_REQUEST. */\n`
    out += `static inline int32_t ${P}_read_params(wasmos_reader *r, ${P}_params *q) {\n`
    out += m.params.map((f) => readField(f, `q->${cid(f.name)}`, '  ')).join('')
    out += '  return r->error ? WASMOS_BAD_REQUEST : 0;\n}\n\n'
  }
  if (ans !== undefined) {
    out += `/* Answers ${m.name} with success. */\n`
    out += `static inline int32_t ${P}_respond(${['uint64_t id', ...ans.map(paramDecl)].join(', ')}) {\n`
    out += `  wasmos_writer wr = wasmos_request();\n  wasmos_writer *w = &wr;\n  mp_array(w, ${ans.length});\n`
    out += ans.map((f) => writeField(f, '  ')).join('') + '  return wasmos_respond(id, 0, w);\n}\n\n'
  }
  return out
}

/** The C header for programs: digest, message indices, errors, client and handler functions. */
export function generateC (def: InterfaceDef, name: InterfaceName): string {
  const prefix = def.name
  const UP = def.name.toUpperCase()
  const digest = `${UP}_DIGEST`
  const bytes = Array.from(name.digest, (b) => `0x${b.toString(16).padStart(2, '0')}`)
  const rows: string[] = []
  for (let i = 0; i < bytes.length; i += 16) rows.push('  ' + bytes.slice(i, i + 16).join(', '))
  let out = `/* Generated from interfaces/${def.name}.json by scripts/build.d/11-interfaces-c.ts. Do not edit.
 * ${comment(def.doc)} */
#ifndef WASMOS_GEN_${UP}_H
#define WASMOS_GEN_${UP}_H

#include "../wasmos.h"

#define ${UP}_NAME "${def.name}"
#define ${UP}_CID "${name.cid}"
/* The interface's digest: SHA-256 of its canonical definition. */
static const uint8_t ${digest}[32] = {
${rows.join(',\n')}
};

enum {
${def.messages.map((m, i) => `  ${UP}_MSG_${m.name.toUpperCase()} = ${i}`).join(',\n')}
};
`
  if ((def.errors ?? []).length > 0) {
    out += `\nenum {\n${(def.errors ?? []).map((e) => `  ${UP}_ERR_${e.name.toUpperCase()} = ${e.code}`).join(',\n')}\n};\n`
  }
  out += '\n'
  def.messages.forEach((m, i) => { out += message(prefix, digest, m, i) })
  return out + '#endif\n'
}
