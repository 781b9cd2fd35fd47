// wasi-hello-c: a plain C program built against Debian's wasi-libc (wasm32-wasi). It greets on
// standard output, reports on standard error, echoes standard input upper-cased line by line
// (flushing each line, so it streams), and exits with the status given as its first argument.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello from C on WASI: %d args:", argc);
  for (int i = 0; i < argc; i++) printf(" [%s]", argv[i]);
  const char *greeting = getenv("GREETING");
  printf("\nGREETING=%s\n", greeting ? greeting : "(unset)");
  fflush(stdout);
  fprintf(stderr, "this goes to stderr\n");
  char line[256];
  while (fgets(line, sizeof line, stdin)) {
    for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
    fputs(line, stdout);
    fflush(stdout);
  }
  printf("bye\n");
  return argc > 1 ? atoi(argv[1]) : 0;
}
