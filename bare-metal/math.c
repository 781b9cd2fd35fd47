/* floor/ceil/trunc/nearbyint (and float versions) without SSE4.1's roundsd, which QEMU's default
   CPU lacks; sqrt through the SSE2 instruction. Built without -mgeneral-regs-only. Assumes the
   default rounding mode (round to nearest even), which nothing here changes. */
#include <math.h>
#include <stdint.h>

double sqrt(double x) { return __builtin_sqrt(x); }
float sqrtf(float x) { return __builtin_sqrtf(x); }

/* Assumes: |x| < 2^52 fits int64_t, where the conversion truncates toward zero. */
double trunc(double x) {
  if (!(fabs(x) < 4503599627370496.0)) return x;    /* NaN, inf, or already integral (>= 2^52) */
  return copysign((double)(int64_t)x, x);
}
/* Assumes: |x| < 2^23 fits int32_t. */
float truncf(float x) {
  if (!(fabsf(x) < 8388608.0f)) return x;           /* >= 2^23 */
  return copysignf((float)(int32_t)x, x);
}
double floor(double x) { double t = trunc(x); return t > x ? t - 1.0 : t; }
float floorf(float x) { float t = truncf(x); return t > x ? t - 1.0f : t; }
double ceil(double x) { double t = trunc(x); return t < x ? copysign(t + 1.0, x) : t; }
float ceilf(float x) { float t = truncf(x); return t < x ? copysignf(t + 1.0f, x) : t; }

/* Adding and subtracting 2^52 rounds to an integer in the current (nearest-even) mode. */
double nearbyint(double x) {
  if (!(fabs(x) < 4503599627370496.0)) return x;
  volatile double big = 4503599627370496.0;
  double r = fabs(x) + big;
  r -= big;
  return copysign(r, x);
}
/* Same with 2^23 for floats. */
float nearbyintf(float x) {
  if (!(fabsf(x) < 8388608.0f)) return x;
  volatile float big = 8388608.0f;
  float r = fabsf(x) + big;
  r -= big;
  return copysignf(r, x);
}
