;; Fuel fixture: loops that never call anything (the local-counter path) and one that calls a
;; helper each iteration (the global-counter path). `spin(n)` runs n iterations, forever if n < 0.
(module
  (memory (export "memory") 1)
  (global $count (mut i32) (i32.const 0))
  (func $bump (global.set $count (i32.add (global.get $count) (i32.const 1))))
  (func (export "spin") (param $n i32) (result i32)
    (local $i i32)
    (loop $again
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.or (i32.lt_s (local.get $n) (i32.const 0))
                            (i32.lt_s (local.get $i) (local.get $n)))))
    (local.get $i))
  (func (export "spin_calls") (param $n i32) (result i32)
    (local $i i32)
    (loop $again
      (call $bump)
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $again (i32.or (i32.lt_s (local.get $n) (i32.const 0))
                            (i32.lt_s (local.get $i) (local.get $n)))))
    (global.get $count))
  ;; nested loops: an inner call-free loop inside an outer loop that calls
  (func (export "nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $sum i32)
    (loop $outer
      (call $bump)
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $sum (i32.add (local.get $sum) (local.get $j)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $inner (i32.lt_s (local.get $j) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $outer (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $sum))
  ;; recursion without loops: only the entry check can stop it
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
)
