#ifndef R53HOOK_CPROCESSCONTROL_SHIM_H
#define R53HOOK_CPROCESSCONTROL_SHIM_H

/* prctl is variadic, and <sys/prctl.h> is not in Swift's Glibc module: these typed wrappers
   give Swift the two calls it needs. Elsewhere than Linux they report failure (-1). */

#ifdef __linux__
#include <sys/prctl.h>

static inline int r53_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0UL, 0UL, 0UL);
}

static inline int r53_get_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0UL, 0UL, 0UL, 0UL);
}
#else
static inline int r53_set_dumpable(int dumpable) { (void)dumpable; return -1; }
static inline int r53_get_dumpable(void) { return -1; }
#endif

#endif
