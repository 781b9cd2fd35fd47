// Bench kernel: sieve of Eratosthenes — tight call-free loops over memory. run(n) counts the
// primes below n.
export function run (n: i32): i32 {
  const composite = new StaticArray<u8>(n)
  let count = 0
  for (let i = 2; i < n; i++) {
    if (unchecked(composite[i]) != 0) continue
    count++
    for (let j = i64(i) * i; j < i64(n); j += i) unchecked(composite[i32(j)] = 1)
  }
  return count
}
