// Program-supplied text shown on a terminal (names, reasons, log lines) made safe: nothing a
// program writes can move the cursor, change colours or forge a line of the permission prompt.
import stripAnsi from 'strip-ansi'

/**
 * Makes text safe to show on one line of a terminal: escape sequences are removed; control
 * characters, format characters (bidi overrides, zero-width) and line or paragraph separators are
 * shown as escapes; the result is at most `max` characters.
 */
export function sanitize (text: string, max = 60): string {
  // Printable ASCII (most names and log lines) has nothing to remove or escape; the Unicode
  // property classes below cost a lookup in ICU's tables the first time they run.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length <= max ? text : text.slice(0, max - 1) + '…'
  const clean = stripAnsi(text).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => {
    const escaped = JSON.stringify(c).slice(1, -1)
    return escaped.length > 1 ? escaped : `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`
  })
  const chars = [...clean]
  return chars.length <= max ? clean : chars.slice(0, max - 1).join('') + '…'
}

/** A CID shortened for people: enough of both ends to tell programs apart at a glance. */
export function shortCid (cid: string): string {
  const safe = sanitize(cid, 200)
  return safe.length <= 20 ? safe : `${safe.slice(0, 10)}…${safe.slice(-6)}`
}
