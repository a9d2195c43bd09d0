/* SPDX-License-Identifier: MIT */
/* `minisnoop check`: can this system trace, and if not, what is missing. */
#ifndef MINISNOOP_CHECK_H
#define MINISNOOP_CHECK_H

#include <stdbool.h>

int cmd_check(int argc, char **argv, bool no_btf);

#endif
