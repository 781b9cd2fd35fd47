/* Limine entry: the bootloader jumps to limine_start in 64-bit long mode with its own GDT, page
   tables (kernel in the higher half, physical memory at the HHDM offset) and a small stack.
   We switch to our own 1 MiB stack, enable SSE (CR0.MP, not EM; CR4.OSFXSR, OSXMMEXCPT) for the
   wasm2c code, and call limine_main in limine.c. */
  .section .bss
  .align 4096
  .globl stack_guard
stack_guard: .skip 4096                   /* unmapped by gdt.c: overflows fault here */
stack_bottom: .skip 1024 * 1024
stack_top:

  .section .text
  .code64
  .globl limine_start
limine_start:
  cli
  cld
  lea stack_top(%rip), %rsp
  xor %ebp, %ebp
  mov %cr0, %rax
  and $~(1 << 2), %rax
  or $(1 << 1), %rax
  mov %rax, %cr0
  mov %cr4, %rax
  or $((1 << 9) | (1 << 10)), %rax
  mov %rax, %cr4
  fninit
  call limine_main
1:
  cli
  hlt
  jmp 1b

  .section .note.GNU-stack, "", @progbits
