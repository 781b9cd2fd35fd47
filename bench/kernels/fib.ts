// Bench kernel: naive recursive Fibonacci — calls, no loops, so every check is a function entry.
function fib (n: i32): i32 {
  return n < 2 ? n : fib(n - 1) + fib(n - 2)
}

export function run (n: i32): i32 {
  return fib(n)
}
