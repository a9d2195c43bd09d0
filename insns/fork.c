// SPDX-License-Identifier: MIT
/* sched_process_fork, for ppid without BTF: forks[child pid] = the forking process's tgid. */
#include "emit.h"

struct fork_frame {
	uint32_t parent; /* the forking process's tgid */
	uint32_t child;	 /* the new task's pid */
};
#define FORK_FP(m) SLOT(struct fork_frame, m)

void prog_fork(struct asm_prog *p, const struct prog_opts *o, const struct prog_layout *l)
{
	(void)o;
	E(BPF_MOV64_REG(CTX, R1));
	load_field(p, R1, &l->tp[FORK_CHILD_PID]);
	E(BPF_STX_MEM(BPF_W, R10, R1, FORK_FP(child)));
	CALL(get_current_pid_tgid);
	E(BPF_ALU64_IMM(BPF_RSH, R0, 32));
	E(BPF_STX_MEM(BPF_W, R10, R0, FORK_FP(parent)));
	E(BPF_LD_MAP_FD(R1, MAP_FORKS));
	stack_ptr(p, R2, FORK_FP(child));
	stack_ptr(p, R3, FORK_FP(parent));
	E(BPF_MOV64_IMM(R4, BPF_ANY));
	CALL(map_update_elem);
	E(BPF_MOV64_IMM(R0, 0));
	E(BPF_EXIT_INSN());
}
