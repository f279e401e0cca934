// The git commit the binary was built from, for `r53hook --version`.
//
// scripts/build-release writes it into the section .r53hook_commit after linking (objcopy
// --update-section), so a new commit relinks nothing and rebuilds no C dependency; a build
// without that step says "unknown".
#ifndef R53HOOK_BUILD_COMMIT_H
#define R53HOOK_BUILD_COMMIT_H

/// The 41 bytes of the section: the commit's hex digits, NUL-padded; all NUL when none was written.
const char *r53hook_build_commit(void);

#endif
