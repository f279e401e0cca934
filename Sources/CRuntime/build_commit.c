#include "build_commit.h"

// 40 hex digits and a terminating NUL. Writable, not const: the compiler must read the bytes at
// run time instead of folding in the empty initial value that objcopy later replaces.
__attribute__((section(".r53hook_commit"), used, aligned(1)))
char r53hook_build_commit_bytes[41];

const char *r53hook_build_commit(void) {
    return r53hook_build_commit_bytes;
}
