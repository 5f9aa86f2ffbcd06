/*
 * libupstart-spawn: the daemon's spawn without an exec helper (DESIGN.md decision 4: "any equivalent must
 * match its semantics"). The helper's steps are planned here, in the calling thread (exec-plan.c), and
 * applied in a child that shares the daemon's memory (clone with CLONE_VM) and execs the job's command as
 * its first and only exec (exec-steps.c). Spawn to the job's main() measured 0.89 - 0.92 ms here against
 * 1.96 - 2.05 ms through the static helper program (docs/performance.md, "Where a respawn's time goes").
 *
 * The caller is not made to wait (no CLONE_VFORK): a job whose working directory or command sits on a hung
 * mount holds up its own child only, never the engine. So the child must be safe beside a running daemon:
 * - every signal is blocked in the calling thread across the clone, so the child starts with all blocked,
 *   sets every handler back to SIG_DFL (its handlers are its own: no CLONE_SIGHAND), then unblocks;
 * - it has its own fd table (no CLONE_FILES);
 * - it only makes system calls directly and touches only its own stack and the request: it shares the
 *   calling thread's TLS, so errno and every libc facility are off limits (exec-steps.c);
 * - the request (plan, fds, stack) and the argv/envp it points into stay allocated until the caller knows
 *   the child no longer runs on this memory: the error pipe at EOF (closed at execve, after the kernel has
 *   switched the child to the new program's memory, or at exit) or the child reaped. The caller then
 *   calls upstart_spawn_release.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec-steps.h"

#define STACK_SIZE (64 * 1024)
#define MAX_FDS 16

struct spawn {
    struct exec_plan plan;
    int pairs[2 * MAX_FDS];
    int pair_count;
    int error_source;     /* the daemon's fd that becomes plan.error_fd, for failures before it does */
    char *stack;          /* STACK_SIZE bytes, the lowest page a guard */
    int born_in_cgroup;   /* clone3 put the child into its cgroup (it writes no cgroup.procs) */
    const char *program;  /* upstart_spawn_program: the helper program the child execs */
    char **program_argv;  /* its argv without "-c DIR" */
    char **program_envp;
};

/* Every child's first steps: signals back to their defaults, the fds moved into place, signals unblocked. */
static void child_setup(const struct spawn *spawn)
{
    upstart_exec_default_signals();
    for (int i = 0; i < spawn->pair_count; i++) {
        long result = upstart_exec_move_fd(spawn->pairs[2 * i], spawn->pairs[2 * i + 1]);
        if (result < 0) {
            upstart_exec_report(spawn->error_source, STEP_SPAWN_FDS, (int)-result, i);
            upstart_exec_exit();
        }
    }
    upstart_exec_unblock_signals();
}

static int child(void *arg)
{
    struct spawn *spawn = arg;
    child_setup(spawn);
    upstart_exec_apply(&spawn->plan);
}

/*
 * The child is born in the job's cgroup: clone3 with CLONE_INTO_CGROUP (Linux 5.7). The child's own write
 * of its pid to cgroup.procs takes the kernel's cgroup_threadgroup_rwsem for writing, and when no process
 * has moved between cgroups for a while that waits for an RCU grace period: 5 to 19 ms per start measured
 * here, most of what `upstartctl start` took (docs/performance.md, "A start's move into its cgroup"). Born
 * there, it takes that lock only for reading, as every fork does, and no instant passes outside its cgroup.
 *
 * A clone3 child that shares our memory starts on its own stack inside the system call, so the call and the
 * child's first steps are written in assembly: x86-64 only. Elsewhere, on kernels without clone3 or
 * CLONE_INTO_CGROUP, and whenever it fails (the directory is not a cgroup v2, or refuses a process), the
 * caller goes on as before, with clone(2) and the child's own write, which reports any failure in the usual
 * way on the error pipe.
 */
#if defined(__x86_64__)
static long clone3_on_stack(struct clone_args *args, int (*fn)(void *), void *arg)
{
    register long rax __asm__("rax") = SYS_clone3;
    register long rdi __asm__("rdi") = (long)args;
    register long rsi __asm__("rsi") = (long)sizeof *args;
    register long r12 __asm__("r12") = (long)fn; /* callee-saved: the system call keeps them for the child */
    register long r13 __asm__("r13") = (long)arg;
    __asm__ volatile(
        "syscall\n\t"
        "test %%rax, %%rax\n\t"
        "jnz 1f\n\t"
        /* The child: rsp is the top of its own stack (16-byte aligned). fn never returns; if it did, exit. */
        "xor %%ebp, %%ebp\n\t"
        "mov %%r13, %%rdi\n\t"
        "call *%%r12\n\t"
        "mov %%eax, %%edi\n\t"
        "mov $60, %%eax\n\t" /* SYS_exit */
        "syscall\n\t"
        "hlt\n"
        "1:\n\t"
        : "+r"(rax)
        : "r"(rdi), "r"(rsi), "r"(r12), "r"(r13)
        : "rcx", "r11", "memory", "cc");
    return rax;
}

static int spawn_into_cgroup(struct spawn *spawn, int (*start)(void *))
{
    if (spawn->plan.cgroup == NULL)
        return -ENOENT;
    int fd = open(spawn->plan.cgroup, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;

    struct clone_args args = {
        .flags = CLONE_VM | CLONE_INTO_CGROUP,
        .exit_signal = SIGCHLD,
        .stack = (uint64_t)(uintptr_t)spawn->stack,
        .stack_size = STACK_SIZE,
        .cgroup = (uint64_t)fd,
    };
    /* Shared memory: set before the child exists, given back only if no child came of it. */
    const char *procs = spawn->plan.cgroup_procs;
    spawn->plan.cgroup_procs = NULL;
    spawn->born_in_cgroup = 1;
    long pid = clone3_on_stack(&args, start, spawn);
    if (pid < 0) {
        spawn->plan.cgroup_procs = procs;
        spawn->born_in_cgroup = 0;
    }
    close(fd);
    return (int)pid;
}
#else
static int spawn_into_cgroup(struct spawn *spawn, int (*start)(void *))
{
    (void)spawn;
    (void)start;
    return -ENOSYS;
}
#endif

/* Whether the child of HANDLE was born in its cgroup by clone3 (tests, and the docs' measurements). */
__attribute__((visibility("default")))
int upstart_spawn_born_in_cgroup(void *handle)
{
    const struct spawn *spawn = handle;
    return spawn != NULL && spawn->born_in_cgroup;
}

/* The helper program's child: its fds and signals as posix_spawn would leave them, then the helper itself. */
static int program_child(void *arg)
{
    struct spawn *spawn = arg;
    child_setup(spawn);
    long result = upstart_exec_execve(spawn->program, spawn->program_argv, spawn->program_envp);
    upstart_exec_report(spawn->plan.error_fd, STEP_HELPER_EXEC, (int)-result, 0);
    upstart_exec_exit();
}

/* FD_PAIRS as the child will move them; the one that becomes the plan's error fd reports failures before it does. */
static void take_fds(struct spawn *spawn, const int *fd_pairs, int pair_count)
{
    spawn->pair_count = pair_count;
    spawn->error_source = -1;
    for (int i = 0; i < 2 * pair_count; i++)
        spawn->pairs[i] = fd_pairs[i];
    for (int i = 0; i < pair_count; i++) {
        if (fd_pairs[2 * i + 1] == spawn->plan.error_fd)
            spawn->error_source = fd_pairs[2 * i];
    }
}

/*
 * Starts START on a stack of its own, with every signal blocked across the clone: born in its cgroup when it
 * can be, otherwise (FALLBACK) with clone(2). The pid, or minus an errno with no child started.
 */
static int start_child(struct spawn *spawn, int (*start)(void *), int fallback)
{
    spawn->stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (spawn->stack == MAP_FAILED) {
        spawn->stack = NULL;
        return -errno;
    }
    mprotect(spawn->stack, (size_t)sysconf(_SC_PAGESIZE), PROT_NONE);

    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pid = spawn_into_cgroup(spawn, start);
    if (pid < 0 && fallback) {
        pid = clone(start, spawn->stack + STACK_SIZE, CLONE_VM | SIGCHLD, spawn);
        pid = pid < 0 ? -errno : pid;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pid;
}

__attribute__((visibility("default")))
void upstart_spawn_release(void *handle)
{
    struct spawn *spawn = handle;
    if (spawn == NULL)
        return;
    free(spawn->program_argv);
    if (spawn->stack != NULL)
        munmap(spawn->stack, STACK_SIZE);
    upstart_exec_plan_free(&spawn->plan);
    free(spawn);
}

/*
 * Starts ARGV (the helper's options, then "--" and the job's argv) with ENVP as the job's whole
 * environment, each FD_PAIRS[2i] dup2'd onto FD_PAIRS[2i+1] in order. Returns the child's pid and sets
 * *HANDLE for upstart_spawn_release; or returns minus an errno (EINVAL: options the helper would refuse;
 * ENOSYS: no direct system calls for this architecture), with nothing started and nothing to release.
 * Everything that fails in the child is a record on the error pipe, as from the helper. ARGV and ENVP must
 * stay as they are until the release.
 */
__attribute__((visibility("default")))
int upstart_spawn(char **argv, char **envp, const int *fd_pairs, int pair_count, void **handle)
{
    static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

    *handle = NULL;
    if (!upstart_exec_has_raw_syscalls())
        return -ENOSYS;
    if (pair_count < 0 || pair_count > MAX_FDS)
        return -EINVAL;
    struct spawn *spawn = calloc(1, sizeof *spawn);
    if (spawn == NULL)
        return -ENOMEM;

    int argc = 0;
    while (argv[argc] != NULL)
        argc++;
    int failure[3];
    pthread_mutex_lock(&plan_lock); /* getopt's state is the process's */
    int planned = upstart_exec_plan(argc, argv, envp, &spawn->plan, failure);
    pthread_mutex_unlock(&plan_lock);
    if (planned != 0) {
        free(spawn);
        return failure[1] == ENOMEM ? -ENOMEM : -EINVAL;
    }

    take_fds(spawn, fd_pairs, pair_count);
    int pid = start_child(spawn, child, 1);
    if (pid < 0) {
        upstart_spawn_release(spawn);
        return pid;
    }
    *handle = spawn;
    return pid;
}

/*
 * The helper program PATH (for jobs that name a user or group or set an oom score: upstart-exec.c), born in
 * the cgroup that its "-c DIR" names, as spawn_into_cgroup does for the library's own children. ARGV is the
 * helper's (its options, "--", the job's argv); the helper is given it without "-c DIR", since it is in DIR
 * already and a second move would take the lock again. FD_PAIRS as for upstart_spawn. Returns the pid and
 * sets *HANDLE; or minus an errno with nothing started: -ENOSYS where clone3 cannot be used this way, and
 * whatever clone3 said (a kernel before 5.7, a directory that is not a cgroup). The caller then starts the
 * helper as before, with posix_spawn and the "-c DIR" kept. A helper that cannot be exec'd is reported on the
 * error pipe (the helper's "-e FD"): STEP_HELPER_EXEC.
 */
__attribute__((visibility("default")))
int upstart_spawn_program(const char *path, char **argv, char **envp, const int *fd_pairs, int pair_count, void **handle)
{
    *handle = NULL;
#if !defined(__x86_64__)
    (void)path; (void)argv; (void)envp; (void)fd_pairs; (void)pair_count;
    return -ENOSYS;
#else
    if (pair_count < 0 || pair_count > MAX_FDS)
        return -EINVAL;
    int argc = 0, options_end = -1, cgroup_at = -1, error_fd = -1;
    while (argv[argc] != NULL) {
        if (options_end < 0 && strcmp(argv[argc], "--") == 0)
            options_end = argc;
        argc++;
    }
    for (int i = 1; i + 1 < options_end; i++) {
        if (strcmp(argv[i], "-c") == 0)
            cgroup_at = i;
        if (strcmp(argv[i], "-e") == 0)
            error_fd = atoi(argv[i + 1]);
        const char *option = argv[i][0] == '-' && argv[i][1] != '\0' && argv[i][2] == '\0'
            ? strchr(EXEC_HELPER_OPTIONS, argv[i][1]) : NULL;
        if (option != NULL && option[1] == ':')
            i++; /* the option's value: never read as an option */
    }
    if (cgroup_at < 0)
        return -ENOENT;

    struct spawn *spawn = calloc(1, sizeof *spawn);
    if (spawn == NULL)
        return -ENOMEM;
    spawn->program_argv = malloc((size_t)(argc - 1) * sizeof *spawn->program_argv);
    if (spawn->program_argv == NULL) {
        free(spawn);
        return -ENOMEM;
    }
    int kept = 0;
    for (int i = 0; i < argc; i++) {
        if (i != cgroup_at && i != cgroup_at + 1)
            spawn->program_argv[kept++] = argv[i];
    }
    spawn->program_argv[kept] = NULL;
    spawn->program = path;
    spawn->program_envp = envp;
    spawn->plan.error_fd = error_fd;
    spawn->plan.keep_fd = -1;
    spawn->plan.cgroup = argv[cgroup_at + 1];
    take_fds(spawn, fd_pairs, pair_count);
    int pid = start_child(spawn, program_child, 0);
    if (pid < 0) {
        upstart_spawn_release(spawn);
        return pid;
    }
    *handle = spawn;
    return pid;
#endif
}
