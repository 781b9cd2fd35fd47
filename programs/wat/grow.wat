;; Fuel fixture: a memory without a maximum; `grow(n)` is memory.grow, `size()` memory.size, and
;; `bomb()` grows one page at a time until memory.grow fails, returning the pages it reached.
(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "bomb") (result i32)
    (block $done
      (loop $more
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (i32.store (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536)) (i32.const 1))
        (br $more)))
    (memory.size))
)
