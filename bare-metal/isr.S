/* Interrupt entry stubs for vectors 0..47 (CPU exceptions, then the 16 PIC IRQs at 32..47).
   Each pushes a zero error code when the CPU does not, then its vector, and jumps to isr_common,
   which saves the general registers only: the C it calls (idt.c) is built with
   -mgeneral-regs-only, so SSE state used by wasm2c code is never touched by interrupts. */

  .section .text
  .code64

.macro VEC n
  .align 16
vec\n:
  .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
  .else
  pushq $0
  .endif
  pushq $\n
  jmp isr_common
.endm

.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
  VEC \n
.endr

isr_common:
  /* On entry the CPU aligned RSP to 16 and pushed 5 quadwords; with the error code, the vector
     and the 15 registers below, RSP is 16-byte aligned again at the call. */
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  cld
  mov %rsp, %rdi
  call trap
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  add $16, %rsp
  iretq

  .section .rodata
  .align 8
  .globl isr_vectors
isr_vectors:
.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
  .quad vec\n
.endr

  .section .note.GNU-stack, "", @progbits
