/* Multiboot2 entry: GRUB jumps to _start in 32-bit protected mode with paging off, EAX = the
   Multiboot2 magic and EBX = the physical address of the boot information. We build page tables
   that identity-map the first 4 GiB with 2 MiB pages, enter long mode, enable SSE (wasm2c code
   uses it) and call multiboot_main(magic, info) in multiboot.c. */

#define MB2_MAGIC 0xe85250d6

  .section .multiboot2, "a"
  .align 8
mb2_header:
  .long MB2_MAGIC
  .long 0                                 /* architecture: i386 protected mode */
  .long mb2_header_end - mb2_header
  .long -(MB2_MAGIC + 0 + (mb2_header_end - mb2_header))
  .align 8                                /* end tag */
  .short 0, 0
  .long 8
mb2_header_end:

  .section .data
  .align 8
boot_magic: .long 0
boot_info:  .long 0

  .align 16
gdt64:
  .quad 0                                 /* null */
  .quad 0x00209a0000000000                /* 0x08: 64-bit code, ring 0 */
  .quad 0x0000920000000000                /* 0x10: data */
gdt64_end:
gdt64_ptr:
  .short gdt64_end - gdt64 - 1
  .quad gdt64

  .section .bss
  .align 4096
pml4: .skip 4096
pdpt: .skip 4096
pd:   .skip 4096 * 4                      /* 4 page directories: 4 x 1 GiB */
  .align 4096
  .globl stack_guard
stack_guard: .skip 4096                   /* unmapped by gdt.c: overflows fault here */
stack_bottom: .skip 1024 * 1024           /* wasm2c code recurses: give it 1 MiB */
stack_top:

  .section .text
  .code32
  .globl _start
_start:
  cli
  cld
  mov %eax, boot_magic
  mov %ebx, boot_info

  /* Zero .bss (GRUB does for ELF segments, Multiboot2 does not promise it). */
  mov $__bss_start, %edi
  mov $__bss_end, %ecx
  sub %edi, %ecx
  xor %eax, %eax
  rep stosb
  mov $stack_top, %esp

  /* Long mode must exist (CPUID 0x80000001 EDX bit 29). */
  mov $0x80000000, %eax
  cpuid
  cmp $0x80000001, %eax
  jb no_long_mode
  mov $0x80000001, %eax
  cpuid
  bt $29, %edx
  jnc no_long_mode

  /* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3; PDn[i] = 2 MiB page at (n*512+i) * 2 MiB. */
  mov $pdpt, %eax
  or $3, %eax
  mov %eax, pml4
  mov $pd, %eax
  or $3, %eax
  mov %eax, pdpt
  add $4096, %eax
  mov %eax, pdpt + 8
  add $4096, %eax
  mov %eax, pdpt + 16
  add $4096, %eax
  mov %eax, pdpt + 24
  xor %ecx, %ecx
1:
  mov %ecx, %eax
  shl $21, %eax
  or $0x83, %eax                          /* present, writable, 2 MiB page */
  mov %eax, pd(,%ecx,8)
  mov %ecx, %eax
  shr $11, %eax                           /* bits 32+ of the physical address */
  mov %eax, pd + 4(,%ecx,8)
  inc %ecx
  cmp $2048, %ecx
  jne 1b

  /* CR4: PAE (5), OSFXSR (9), OSXMMEXCPT (10). */
  mov %cr4, %eax
  or $((1 << 5) | (1 << 9) | (1 << 10)), %eax
  mov %eax, %cr4
  mov $pml4, %eax
  mov %eax, %cr3
  /* EFER.LME */
  mov $0xc0000080, %ecx
  rdmsr
  or $(1 << 8), %eax
  wrmsr
  /* CR0: PG (31), PE (0), MP (1); clear EM (2) so SSE does not fault. */
  mov %cr0, %eax
  or $((1 << 31) | (1 << 0) | (1 << 1)), %eax
  and $~(1 << 2), %eax
  mov %eax, %cr0

  lgdt gdt64_ptr
  ljmp $0x08, $long_mode

no_long_mode:
  /* Say so on COM1 (uninitialised, but QEMU and most UARTs accept bytes anyway) and stop. */
  mov $msg_no_long_mode, %esi
2:
  lodsb
  test %al, %al
  jz 3f
  mov $0x3f8, %dx
  outb %al, %dx
  jmp 2b
3:
  cli
  hlt
  jmp 3b

  .code64
long_mode:
  mov $0x10, %ax
  mov %ax, %ds
  mov %ax, %es
  mov %ax, %ss
  xor %ax, %ax
  mov %ax, %fs
  mov %ax, %gs
  mov $stack_top, %rsp
  xor %ebp, %ebp
  fninit
  mov boot_magic, %edi
  mov boot_info, %esi
  call multiboot_main
4:
  cli
  hlt
  jmp 4b

  .section .rodata
msg_no_long_mode: .asciz "wasmos stub: this CPU has no long mode (x86_64)\r\n"

  .section .note.GNU-stack, "", @progbits
