// Definitions that keep the release binary's glibc requirement at 2.34.
//
// The static Swift runtime's Glibc overlay references hypotf. Linked on a glibc 2.35 or later
// system, that reference binds to hypotf@GLIBC_2.35 (a new implementation), and the binary then
// refuses to start on Amazon Linux 2023 and RHEL 9 (glibc 2.34). A definition inside the
// executable satisfies the reference at link time, so no versioned libm symbol is needed.
#ifndef R53HOOK_GLIBC_FLOOR_H
#define R53HOOK_GLIBC_FLOOR_H

float hypotf(float x, float y);

#endif
