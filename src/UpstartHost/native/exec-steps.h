/*
 * The steps between the daemon's spawn and a job's exec (exec-steps.c), in two halves: planning (parse the
 * helper's options, resolve names, format, allocate: ordinary C) and applying (system calls only, made
 * directly: no libc state, no errno, no allocation), so that the spawn library's child, which shares the
 * daemon's memory and its thread's TLS, can apply a plan made for it in the daemon.
 */
#ifndef UPSTART_EXEC_STEPS_H
#define UPSTART_EXEC_STEPS_H

#include <limits.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Keep in step with ExecHelperStep in src/UpstartHost/Processes/ExecHelperFailure.cs. */
enum exec_step {
    STEP_USAGE = 1,
    STEP_SETSID = 2,
    STEP_CONSOLE_OWNER = 3,
    STEP_RLIMIT = 4,
    STEP_NICE = 5,
    STEP_OOM = 6,
    STEP_GETPWNAM = 7,
    STEP_NO_SUCH_USER = 8,
    STEP_GETGRNAM = 9,
    STEP_NO_SUCH_GROUP = 10,
    STEP_CHROOT = 11,
    STEP_CHDIR = 12,
    STEP_SETGID = 13,
    STEP_SETGROUPS = 14,
    STEP_SETUID = 15,
    STEP_KEEP_FD = 16,
    STEP_EXEC = 17,
    STEP_CGROUP = 18,
    STEP_SPAWN_FDS = 19,
    STEP_HELPER_EXEC = 20,
};

#define EXEC_MAX_LIMITS 32

/* The helper's options for getopt(3): a letter followed by ':' takes a value (upstart-exec.c's usage line). */
#define EXEC_HELPER_OPTIONS "+e:c:tm:n:o:l:r:d:u:g:k:"

struct exec_plan {
    int error_fd;
    const char *cgroup;               /* -c: the job's cgroup directory, or NULL */
    const char *cgroup_procs;         /* "<cgroup>/cgroup.procs" for the child's own move, or NULL */
    int console_owner;
    long mask;                        /* umask, or -1 */
    int have_nice;
    long nice_value;
    int oom_length;                   /* 0: leave oom_score_adj alone */
    char oom_text[24];
    int limit_count;
    struct { int resource; struct rlimit value; } limits[EXEC_MAX_LIMITS];
    const char *root;                 /* chroot, or NULL */
    const char *dir;                  /* chdir: "/" unless given */
    int have_uid, have_gid;
    uid_t uid;
    gid_t gid;
    int group_count;                  /* the user's supplementary groups, when have_uid */
    gid_t *groups;
    long keep_fd;                     /* -1: none */
    char **argv;                      /* the job's argv */
    char **envp;                      /* the job's whole environment */
    const char *path;                 /* where a command without a slash is looked for */
    char **shell_argv;                /* room for running a #!-less file with /bin/sh */
    char cgroup_storage[PATH_MAX];
    char candidate[PATH_MAX];
};

/* Fills PLAN from the helper's options (upstart-exec.c's usage line) and ENVP. On failure returns -1 with
 * STEP, ERR and DETAIL set as the helper would report them, and PLAN holds nothing to free. */
int upstart_exec_plan(int argc, char **argv, char **envp, struct exec_plan *plan, int failure[3]);

/* Frees what upstart_exec_plan allocated. */
void upstart_exec_plan_free(struct exec_plan *plan);

/* Every signal but SIGKILL and SIGSTOP back to SIG_DFL. System calls only. */
void upstart_exec_default_signals(void);

/* Writes one failure record {step, errno, detail} to FD (if >= 0). System calls only. */
void upstart_exec_report(int fd, int step, int err, int detail);

/* Ends the calling process at once with status 127 (this thread's exit: the spawn child is one thread). */
__attribute__((noreturn)) void upstart_exec_exit(void);

/* Applies PLAN in order and execs the job's command; on any failure reports on plan->error_fd and exits.
 * System calls only. */
__attribute__((noreturn)) void upstart_exec_apply(const struct exec_plan *plan);

/* dup2(SOURCE, TARGET), or clearing close-on-exec when they are equal; 0 or minus an errno. */
long upstart_exec_move_fd(int source, int target);

/* execve(2) with direct system calls; returns only on failure, with minus the errno. */
long upstart_exec_execve(const char *file, char **argv, char **envp);

/* Sets the signal mask empty; 0 or minus an errno. */
long upstart_exec_unblock_signals(void);

/* False where exec-steps.c has no direct system calls for the architecture (the spawn library is then off). */
int upstart_exec_has_raw_syscalls(void);

#endif
