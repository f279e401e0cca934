// CRuntime: what the executable needs from the C runtime that Swift cannot say.
#include "glibc_floor.h"
#include "command_line.h"
#include "build_commit.h"
