// The imports kernel.wasm gets from the bare-metal stub (import module "stub").
// The AssemblyScript view of the ABI documented in bare-metal/README.md, shared by the kernel's
// bare-metal host adapter and the stub's own test kernel (bare-metal/test-kernel).

// Console (COM1). Bytes are raw; the stub adds nothing (no CR before LF).
@external("stub", "serial_write") export declare function serial_write (ptr: usize, len: u32): void
// Copies up to `cap` bytes received on COM1 (buffered by the stub's IRQ 4 handler); returns the count.
@external("stub", "serial_read") export declare function serial_read (ptr: usize, cap: u32): u32

// Port I/O.
@external("stub", "inb") export declare function inb (port: u32): u32
@external("stub", "inw") export declare function inw (port: u32): u32
@external("stub", "inl") export declare function inl (port: u32): u32
@external("stub", "outb") export declare function outb (port: u32, value: u32): void
@external("stub", "outw") export declare function outw (port: u32, value: u32): void
@external("stub", "outl") export declare function outl (port: u32, value: u32): void

// Memory-mapped I/O at a physical address (identity-mapped below 4 GiB; above faults).
@external("stub", "mmio_read32") export declare function mmio_read32 (addr: u64): u32
@external("stub", "mmio_write32") export declare function mmio_write32 (addr: u64, value: u32): void

// PCI configuration space, mechanism #1. `offset` is rounded down to a multiple of 4.
@external("stub", "pci_read32") export declare function pci_read32 (bus: u32, dev: u32, fn: u32, offset: u32): u32
@external("stub", "pci_write32") export declare function pci_write32 (bus: u32, dev: u32, fn: u32, offset: u32, value: u32): void

// Interrupts (legacy IRQ lines 0..15 through the 8259 PICs).
@external("stub", "irq_take") export declare function irq_take (): u32
@external("stub", "irq_mask") export declare function irq_mask (irq: u32): void
@external("stub", "irq_unmask") export declare function irq_unmask (irq: u32): void
@external("stub", "irq_ack") export declare function irq_ack (irq: u32): void

// The screen Limine set up, for a console driver: its mode (physical address, width, height, pitch,
// bits per pixel, the text row below the stub's console output, as six u64 at `out`; returns 0
// when there is none); releasing it from the stub's
// own console; drawing w x h 32-bit pixels at (x, y); scrolling rows top..bottom up by dy pixels.
@external("stub", "screen_mode") export declare function screen_mode (out: usize): u32
@external("stub", "screen_release") export declare function screen_release (): void
@external("stub", "screen_blit") export declare function screen_blit (x: u32, y: u32, w: u32, h: u32, pixels: usize): void
@external("stub", "screen_scroll") export declare function screen_scroll (top: u32, bottom: u32, dy: u32, colour: u32): void

// Time.
@external("stub", "ticks") export declare function ticks (): u64
@external("stub", "tick_hz") export declare function tick_hz (): u32
// The CPU's time-stamp counter.
@external("stub", "rdtsc") export declare function rdtsc (): u64
// Sleeps until an interrupt arrives; returns at once if an IRQ is already pending.
@external("stub", "idle") export declare function idle (): void

// Randomness: writes 8 bytes at `out` and returns 1, or returns 0 (no RDRAND or it failed).
@external("stub", "rdrand64") export declare function rdrand64 (out: usize): u32

// Boot information.
@external("stub", "cmdline") export declare function cmdline (ptr: usize, cap: u32): u32
@external("stub", "module_count") export declare function module_count (): u32
@external("stub", "module_size") export declare function module_size (index: u32): u32
@external("stub", "module_name") export declare function module_name (index: u32, ptr: usize, cap: u32): u32
@external("stub", "module_read") export declare function module_read (index: u32, offset: u32, ptr: usize, len: u32): u32

// AssemblyScript's abort (compile with --use abort=<path>/stub/abort): prints the message and
// file:line, then exits with status 0x7e.
@external("stub", "abort") export declare function abort (message: usize, file: usize, line: u32, column: u32): void

// Ends the machine: QEMU's isa-debug-exit makes QEMU exit with (code << 1) | 1; elsewhere halts.
@external("stub", "exit") export declare function exit (code: u32): void
