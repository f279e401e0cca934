// The process's argc and argv as the kernel passed them, without /proc.
//
// The static Swift runtime reads CommandLine.arguments from /proc/self/cmdline. Where /proc is
// not mounted (a chroot, a minimal container, the last moments of a shutdown) it finds no
// arguments, and `r53hook stop ...` would print the help and exit 0 having done nothing. glibc
// calls the functions in .init_array with argc, argv and envp, so a constructor here keeps them.
#ifndef R53HOOK_COMMAND_LINE_CAPTURE_H
#define R53HOOK_COMMAND_LINE_CAPTURE_H

/// The number of arguments, program name included; 0 when the C library passed none.
int r53hook_captured_argc(void);

/// Argument `index` (0 is the program name), or a null pointer past the end.
const char *r53hook_captured_argument(int index);

#endif
