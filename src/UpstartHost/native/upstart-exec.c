/*
 * upstart-exec: the exec helper program (DESIGN.md decision 4). The daemon posix_spawn()s it with the
 * job's environment, console and error pipe; it plans and applies the steps of exec-plan.c and
 * exec-steps.c, then becomes the job. The daemon runs it where the spawn library cannot serve: a job that
 * names a user or group (the lookup needs NSS), or no libupstart-spawn.so installed (docs/processes.md).
 */
#include "exec-steps.h"

extern char **environ;

int main(int argc, char **argv)
{
    struct exec_plan plan;
    int failure[3];
    upstart_exec_default_signals();
    if (upstart_exec_plan(argc, argv, environ, &plan, failure) != 0) {
        upstart_exec_report(plan.error_fd, failure[0], failure[1], failure[2]);
        upstart_exec_exit();
    }
    upstart_exec_apply(&plan);
}
