#include "command_line.h"

#include <stddef.h>

static int captured_argc;
static char **captured_argv;

// Runs before main, with the arguments glibc hands to every .init_array entry. The array itself
// lives on the initial stack for the whole life of the process.
static void capture_command_line(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc > 0 && argv != NULL) {
        captured_argc = argc;
        captured_argv = argv;
    }
}

__attribute__((section(".init_array"), used))
static void (*const capture_command_line_entry)(int, char **, char **) = capture_command_line;

int r53hook_captured_argc(void) {
    return captured_argc;
}

const char *r53hook_captured_argument(int index) {
    if (index < 0 || index >= captured_argc) {
        return NULL;
    }
    return captured_argv[index];
}
