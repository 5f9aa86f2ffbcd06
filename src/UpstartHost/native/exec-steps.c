/*
 * exec-steps: the second half of the steps between spawn and a job's exec (exec-steps.h): a plan made by
 * exec-plan.c applied, in Upstart's order, then the job's command exec'd. First the process joins the job's
 * cgroup (a cgroup v2 directory: it writes its own pid to cgroup.procs), so the job and everything it ever
 * forks is born inside and a setsid cannot leave it. Then setsid, console owner, umask, limits, nice, oom
 * score, chroot, chdir (default "/"), setgid, supplementary groups, setuid, the script fd, exec. On any
 * failure one record {step, errno, detail} goes to the error pipe and the process exits 127; on success the
 * pipe closes at execve.
 *
 * Only system calls, made directly: in the spawn library this runs in a child that shares the daemon's
 * memory and its calling thread's TLS (so no errno, no stdio, no allocation, no lock, and no libc call that
 * might be resolved lazily), while the daemon goes on. Compiled without builtins that could become calls
 * (UpstartHost.csproj); loops copy strings by hand for the same reason.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "exec-steps.h"

#if defined(__x86_64__)
static long raw6(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long result;
    __asm__ volatile("syscall"
                     : "=a"(result)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return result;
}
int upstart_exec_has_raw_syscalls(void) { return 1; }
#elif defined(__aarch64__)
static long raw6(long n, long a, long b, long c, long d, long e, long f)
{
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}
int upstart_exec_has_raw_syscalls(void) { return 1; }
#else
/* Elsewhere the helper program still works through libc (it is its own process); the library is off. */
static long raw6(long n, long a, long b, long c, long d, long e, long f)
{
    long result = syscall(n, a, b, c, d, e, f);
    return result == -1 ? -errno : result;
}
int upstart_exec_has_raw_syscalls(void) { return 0; }
#endif

#define SYS0(n) raw6((n), 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) raw6((n), (long)(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) raw6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) raw6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) raw6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

void upstart_exec_report(int fd, int step, int err, int detail)
{
    if (fd >= 0) {
        int32_t record[3] = { (int32_t)step, (int32_t)err, (int32_t)detail };
        SYS3(SYS_write, fd, record, sizeof record);
    }
}

void upstart_exec_exit(void)
{
    for (;;)
        SYS1(SYS_exit, 127);
}

static __attribute__((noreturn)) void fail(const struct exec_plan *plan, int step, long result, int detail)
{
    upstart_exec_report(plan->error_fd, step, (int)-result, detail);
    upstart_exec_exit();
}

/*
 * posix_spawn's POSIX_SPAWN_SETSIGDEF resets every signal the daemon ignores except glibc's internal
 * ones (32 and 33), which glibc's sigaction refuses to touch; the runtime ignores them, and an ignored
 * disposition survives exec. The kernel call has no such filter: a zeroed kernel sigaction is SIG_DFL
 * with no flags and an empty mask on every architecture.
 */
void upstart_exec_default_signals(void)
{
    static const unsigned long zero[8];
    for (int sig = 1; sig <= 64; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            SYS4(SYS_rt_sigaction, sig, zero, 0, 8);
    }
}

long upstart_exec_unblock_signals(void)
{
    static const unsigned long none;
    return SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
}

long upstart_exec_execve(const char *file, char **argv, char **envp)
{
    return SYS3(SYS_execve, file, argv, envp);
}

long upstart_exec_move_fd(int source, int target)
{
    /* As posix_spawn_file_actions_adddup2: onto itself, the fd only loses close-on-exec. */
    if (source == target)
        return SYS3(SYS_fcntl, source, F_SETFD, 0);
    return SYS3(SYS_dup3, source, target, 0);
}

static long write_file(const char *path, const char *text, long length)
{
    long fd = SYS4(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (fd < 0)
        return fd;
    long written = SYS3(SYS_write, fd, text, length);
    SYS1(SYS_close, fd);
    return written == length ? 0 : (written < 0 ? written : -EIO);
}

/* Closes [FIRST, LAST]; close_range (Linux 5.9) or one close per fd below 1024 without it. */
static void close_range_of(unsigned int first, unsigned int last)
{
    if (first > last || SYS3(SYS_close_range, first, last, 0) == 0)
        return;
    for (unsigned int fd = first; fd <= last && fd < 1024; fd++)
        SYS1(SYS_close, fd);
}

/* Closes every fd from 3 up except KEEP_A and KEEP_B (either may be -1 or below 3). */
static void close_all_but(long keep_a, long keep_b)
{
    long low = keep_a < keep_b ? keep_a : keep_b, high = keep_a < keep_b ? keep_b : keep_a;
    unsigned int next = 3;
    if (low >= 3) {
        close_range_of(next, (unsigned int)low - 1);
        next = (unsigned int)low + 1;
    }
    if (high >= 3 && high != low) {
        close_range_of(next, (unsigned int)high - 1);
        next = (unsigned int)high + 1;
    }
    close_range_of(next, ~0U);
}

static long execve_raw(const char *file, char *const argv[], char *const envp[])
{
    return SYS3(SYS_execve, file, argv, envp);
}

/* glibc's execvp fallback for a file the kernel cannot run (ENOEXEC: no #! line): the shell runs it. */
static long exec_with_shell(const struct exec_plan *plan, const char *file)
{
    char **shell_argv = plan->shell_argv;
    shell_argv[0] = (char *)"/bin/sh";
    shell_argv[1] = (char *)file;
    long i = 1;
    while (plan->argv[i] != NULL) {
        shell_argv[i + 1] = plan->argv[i];
        i++;
    }
    shell_argv[i + 1] = NULL;
    return execve_raw(shell_argv[0], shell_argv, plan->envp);
}

/*
 * execvp(3) as glibc does it, with the plan's PATH (the job's): a FILE with a slash is run as it is;
 * otherwise each PATH entry is tried in turn (an empty entry is the working directory), going on past
 * ENOENT, ENOTDIR, ESTALE, ENODEV, ETIMEDOUT and EACCES (reported at the end if nothing ran) and stopping
 * at any other error. ENOEXEC runs the file with /bin/sh. Returns minus the errno to report.
 */
static long exec_command(const struct exec_plan *plan)
{
    const char *file = plan->argv[0];
    int has_slash = 0;
    long file_length = 0;
    while (file[file_length] != '\0') {
        if (file[file_length] == '/')
            has_slash = 1;
        file_length++;
    }
    if (file_length == 0)
        return -ENOENT;
    if (has_slash) {
        long result = execve_raw(file, plan->argv, plan->envp);
        return result == -ENOEXEC ? exec_with_shell(plan, file) : result;
    }
    if (file_length > NAME_MAX)
        return -ENAMETOOLONG;

    char *candidate = (char *)plan->candidate;
    int denied = 0;
    const char *entry = plan->path;
    for (;;) {
        const char *end = entry;
        while (*end != '\0' && *end != ':')
            end++;
        long length = end - entry;
        if (length + 1 + file_length < PATH_MAX) {
            for (long i = 0; i < length; i++)
                candidate[i] = entry[i];
            if (length > 0)
                candidate[length++] = '/';
            for (long i = 0; i <= file_length; i++)
                candidate[length + i] = file[i];
            long result = execve_raw(candidate, plan->argv, plan->envp);
            if (result == -ENOEXEC)
                result = exec_with_shell(plan, candidate);
            switch (-result) {
            case EACCES:
                denied = 1;
                break;
            case ENOENT:
            case ENOTDIR:
            case ESTALE:
            case ENODEV:
            case ETIMEDOUT:
                break;
            default:
                return result;
            }
        }
        if (*end == '\0')
            break;
        entry = end + 1;
    }
    return denied ? -EACCES : -ENOENT;
}

void upstart_exec_apply(const struct exec_plan *plan)
{
    long result;

    /* Nothing but 0-2 and the script fd may reach the job, and nothing else of the daemon's stays open
     * here even while a slow exec is pending: every other fd is closed now, the error pipe at exec. */
    close_all_but(plan->error_fd, plan->keep_fd);
    if (plan->error_fd >= 3)
        SYS3(SYS_fcntl, plan->error_fd, F_SETFD, FD_CLOEXEC);

    if (plan->cgroup_procs != NULL && (result = write_file(plan->cgroup_procs, "0", 1)) != 0)
        fail(plan, STEP_CGROUP, result, 0);

    /* init(5): each process is made a session and process-group leader. */
    if ((result = SYS0(SYS_setsid)) < 0)
        fail(plan, STEP_SETSID, result, 0);

    /* console owner: /dev/console becomes the controlling terminal so ^C reaches the job. */
    if (plan->console_owner && (result = SYS3(SYS_ioctl, STDIN_FILENO, TIOCSCTTY, 1)) != 0)
        fail(plan, STEP_CONSOLE_OWNER, result, 0);

    if (plan->mask >= 0)
        SYS1(SYS_umask, plan->mask);

    for (int i = 0; i < plan->limit_count; i++) {
        if ((result = SYS4(SYS_prlimit64, 0, plan->limits[i].resource, &plan->limits[i].value, 0)) != 0)
            fail(plan, STEP_RLIMIT, result, i);
    }

    if (plan->have_nice && (result = SYS3(SYS_setpriority, PRIO_PROCESS, 0, plan->nice_value)) != 0)
        fail(plan, STEP_NICE, result, 0);

    if (plan->oom_length > 0 && (result = write_file("/proc/self/oom_score_adj", plan->oom_text, plan->oom_length)) != 0)
        fail(plan, STEP_OOM, result, 0);

    if (plan->root != NULL && (result = SYS1(SYS_chroot, plan->root)) != 0)
        fail(plan, STEP_CHROOT, result, 0);
    if ((result = SYS1(SYS_chdir, plan->dir)) != 0)
        fail(plan, STEP_CHDIR, result, 0);

    /* One process, one thread: the plain system calls are what the glibc wrappers would do here. */
    if (plan->have_gid && (result = SYS1(SYS_setgid, plan->gid)) != 0)
        fail(plan, STEP_SETGID, result, 0);
    if (plan->have_uid) {
        if ((result = SYS2(SYS_setgroups, plan->group_count, plan->groups)) != 0)
            fail(plan, STEP_SETGROUPS, result, 0);
        if ((result = SYS1(SYS_setuid, plan->uid)) != 0)
            fail(plan, STEP_SETUID, result, 0);
    } else if (plan->have_gid && (result = SYS2(SYS_setgroups, 1, &plan->gid)) != 0) {
        /* setgid alone: drop the daemon's supplementary groups rather than leak root's. */
        fail(plan, STEP_SETGROUPS, result, 0);
    }

    if (plan->keep_fd >= 0 && (result = SYS3(SYS_fcntl, plan->keep_fd, F_SETFD, 0)) != 0)
        fail(plan, STEP_KEEP_FD, result, 0);

    fail(plan, STEP_EXEC, exec_command(plan), 0);
}
