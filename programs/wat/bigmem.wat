;; Fuel fixture: a memory whose minimum (5000 pages = 312.5 MiB) is above the default cap.
(module (memory (export "memory") 5000))
