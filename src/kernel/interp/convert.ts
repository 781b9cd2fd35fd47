// Float-to-integer conversions for the execution loop: the trapping range check and saturation.

@inline export function f2iOk (x: f64, lo: f64, hi: f64): i32 {
  // 0 ok, 1 NaN, 2 out of range: valid iff lo < x < hi (bounds are exclusive and exact)
  if (isNaN(x)) return 1
  if (!(x > lo && x < hi)) return 2
  return 0
}

export function satI32 (x: f64): i32 {
  if (isNaN(x)) return 0
  if (x <= -2147483648.0) return i32.MIN_VALUE
  if (x >= 2147483647.0) return i32.MAX_VALUE
  return <i32>x
}
export function satU32 (x: f64): u32 {
  if (isNaN(x) || x <= 0) return 0
  if (x >= 4294967295.0) return u32.MAX_VALUE
  return <u32>x
}
export function satI64 (x: f64): i64 {
  if (isNaN(x)) return 0
  if (x <= -9223372036854775808.0) return i64.MIN_VALUE
  if (x >= 9223372036854775808.0) return i64.MAX_VALUE
  return <i64>x
}
export function satU64 (x: f64): u64 {
  if (isNaN(x) || x <= 0) return 0
  if (x >= 18446744073709551616.0) return u64.MAX_VALUE
  return <u64>x
}
