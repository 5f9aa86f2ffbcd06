/*
 * upstart-exec: the exec helper between UpstartHost and a job's process (DESIGN.md decision 4).
 *
 * In the style of runit's chpst and s6-setuidgid: the daemon posix_spawn()s this program with the
 * job's exact environment, its console already on fds 0-2 and a close-on-exec error pipe; we apply
 * what posix_spawn cannot, then execvp() the job's command. Every instruction arrives as its own argv
 * option, so nothing is ever pasted into a shell. On any failure we write one record
 * {step, errno, detail} to the error pipe and _exit(127); on success the pipe closes at execve. The
 * daemon does not wait for either: Spawn returns once posix_spawn has, and a watcher thread reads the
 * pipe later (EOF: ProcessSpawned; a record: ProcessSpawnFailed), as Upstart 1.13 reads its
 * job_process_spawn pipe asynchronously while the job waits in its "-ing" state.
 *
 *   upstart-exec -e FD [-c CGROUP] [-t] [-m UMASK] [-n NICE] [-o SCORE] [-l RES:SOFT:HARD]... [-r ROOT]
 *                [-d DIR] [-u USER] [-g GROUP] [-k FD] -- FILE [ARG]...
 *
 * First of all the helper joins the job's cgroup (-c, a cgroup v2 directory: it writes its own pid to
 * cgroup.procs), so the job and everything it ever forks is born inside and a setsid cannot leave it.
 * Then, in Upstart's order: setsid, console owner, umask, limits, nice, oom score, then names are resolved
 * (before chroot, so the host's user database is used), chroot, chdir (default "/"), setgid,
 * supplementary groups, setuid, exec.
 *
 * Built twice (UpstartHost.csproj): upstart-exec, dynamically linked, which resolves -u/-g names through
 * NSS; and upstart-exec-static (-DUPSTART_EXEC_NO_NAMES, static-pie), which refuses -u/-g and which the
 * daemon runs for every process without setuid/setgid. A static exec costs a third less here (no loader,
 * fewer mappings: docs/performance.md), and NSS is the one thing a static glibc cannot do safely.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

/* Keep in step with ExecHelperStep in src/UpstartHost/Processes/ExecHelperFailure.cs. */
enum step {
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
};

#define MAX_LIMITS 32

struct limit {
    int resource;
    struct rlimit value;
};

static int error_fd = -1;

static void fail(enum step step, int err, int detail)
{
    int32_t record[3] = { (int32_t)step, (int32_t)err, (int32_t)detail };
    if (error_fd >= 0) {
        ssize_t ignored = write(error_fd, record, sizeof record);
        (void)ignored;
    }
    _exit(127);
}

static int parse_long(const char *text, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || value < min || value > max)
        return -1;
    *out = value;
    return 0;
}

static int parse_limit_value(const char *text, rlim_t *out)
{
    if (strcmp(text, "unlimited") == 0) {
        *out = RLIM_INFINITY;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return -1;
    *out = (rlim_t)value;
    return 0;
}

/* The limit stanza's resource names (init(5)), mapped at compile time so numbering never leaks. */
static int resource_by_name(const char *name, size_t length)
{
    static const struct { const char *name; int resource; } table[] = {
        { "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
        { "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE }, { "memlock", RLIMIT_MEMLOCK },
        { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
        { "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
        { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strlen(table[i].name) == length && strncmp(table[i].name, name, length) == 0)
            return table[i].resource;
    }
    return -1;
}

/* RES:SOFT:HARD */
static int parse_limit(char *text, struct limit *out)
{
    char *first = strchr(text, ':');
    if (first == NULL)
        return -1;
    char *second = strchr(first + 1, ':');
    if (second == NULL)
        return -1;
    int resource = resource_by_name(text, (size_t)(first - text));
    if (resource < 0)
        return -1;
    *second = '\0';
    if (parse_limit_value(first + 1, &out->value.rlim_cur) != 0
        || parse_limit_value(second + 1, &out->value.rlim_max) != 0)
        return -1;
    out->resource = resource;
    return 0;
}

/*
 * posix_spawn's POSIX_SPAWN_SETSIGDEF resets every signal the daemon ignores except glibc's internal
 * ones (32 and 33), which glibc's sigaction refuses to touch; the runtime ignores them, and an ignored
 * disposition survives exec. The kernel call has no such filter: a zeroed kernel sigaction is SIG_DFL
 * with no flags and an empty mask on every architecture.
 */
static void default_all_signals(void)
{
    unsigned long zero[8] = { 0 };
    for (int sig = 1; sig <= 64; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            syscall(SYS_rt_sigaction, sig, zero, NULL, 8);
    }
}

/* Moves this process into the cgroup directory (cgroup v2: writing "0" to cgroup.procs moves the writer). */
static void join_cgroup(const char *cgroup)
{
    char path[PATH_MAX];
    int length = snprintf(path, sizeof path, "%s/cgroup.procs", cgroup);
    if (length < 0 || (size_t)length >= sizeof path)
        fail(STEP_CGROUP, ENAMETOOLONG, 0);
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        fail(STEP_CGROUP, errno, 0);
    if (write(fd, "0", 1) != 1)
        fail(STEP_CGROUP, errno, 0);
    close(fd);
}

static void write_oom_score(long score)
{
    char text[16];
    int length = snprintf(text, sizeof text, "%ld\n", score);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail(STEP_OOM, errno, 0);
    if (write(fd, text, (size_t)length) != length)
        fail(STEP_OOM, errno, 0);
    close(fd);
}

struct identity {
    uid_t uid;
    gid_t gid;
    int have_uid, have_gid;
    char *user_name;
};

#ifdef UPSTART_EXEC_NO_NAMES
/* -u and -g were refused while parsing: there is no name to resolve and no user's groups to look up. */
static void resolve_names(const char *user, const char *group, struct identity *id)
{
    (void)user;
    (void)group;
    (void)id;
}

static int user_groups(const struct identity *id)
{
    (void)id;
    errno = ENOTSUP;
    return -1;
}
#else
/* Names are resolved before chroot, so the host's user database is used. */
static void resolve_names(const char *user, const char *group, struct identity *id)
{
    if (user != NULL) {
        errno = 0;
        struct passwd *pw = getpwnam(user);
        if (pw == NULL)
            fail(errno != 0 ? STEP_GETPWNAM : STEP_NO_SUCH_USER, errno, 0);
        id->uid = pw->pw_uid;
        id->gid = pw->pw_gid; /* init(5): setuid alone runs with the user's primary group */
        id->have_uid = id->have_gid = 1;
        id->user_name = strdup(pw->pw_name);
    }
    if (group != NULL) {
        errno = 0;
        struct group *gr = getgrnam(group);
        if (gr == NULL)
            fail(errno != 0 ? STEP_GETGRNAM : STEP_NO_SUCH_GROUP, errno, 0);
        id->gid = gr->gr_gid;
        id->have_gid = 1;
    }
}

/* The user's own supplementary groups, as initgroups(3) for system jobs in Upstart. */
static int user_groups(const struct identity *id)
{
    return initgroups(id->user_name, id->gid);
}
#endif

int main(int argc, char **argv)
{
    const char *user = NULL, *group = NULL, *root = NULL, *dir = "/", *cgroup = NULL;
    long mask = -1, nice_value = 0, oom = 0, keep_fd = -1, fd_value;
    int have_nice = 0, have_oom = 0, console_owner = 0;
    struct limit limits[MAX_LIMITS];
    int limit_count = 0;
    int option;

    /* "+": stop at the first non-option, the job's own argv is never parsed as ours. */
    while ((option = getopt(argc, argv, "+e:c:tm:n:o:l:r:d:u:g:k:")) != -1) {
        switch (option) {
        case 'e':
            if (parse_long(optarg, 0, INT_MAX, &fd_value) != 0)
                fail(STEP_USAGE, EINVAL, 'e');
            error_fd = (int)fd_value;
            break;
        case 'c':
            cgroup = optarg;
            break;
        case 't':
            console_owner = 1;
            break;
        case 'm':
            if (parse_long(optarg, 0, 0777, &mask) != 0)
                fail(STEP_USAGE, EINVAL, 'm');
            break;
        case 'n':
            if (parse_long(optarg, -20, 19, &nice_value) != 0)
                fail(STEP_USAGE, EINVAL, 'n');
            have_nice = 1;
            break;
        case 'o':
            if (parse_long(optarg, -1000, 1000, &oom) != 0)
                fail(STEP_USAGE, EINVAL, 'o');
            have_oom = 1;
            break;
        case 'l':
            if (limit_count == MAX_LIMITS || parse_limit(optarg, &limits[limit_count]) != 0)
                fail(STEP_USAGE, EINVAL, 'l');
            limit_count++;
            break;
        case 'r':
            root = optarg;
            break;
        case 'd':
            dir = optarg;
            break;
#ifdef UPSTART_EXEC_NO_NAMES
        case 'u':
        case 'g':
            fail(STEP_USAGE, ENOTSUP, option);
            break;
#else
        case 'u':
            user = optarg;
            break;
        case 'g':
            group = optarg;
            break;
#endif
        case 'k':
            if (parse_long(optarg, 0, INT_MAX, &keep_fd) != 0)
                fail(STEP_USAGE, EINVAL, 'k');
            break;
        default:
            fail(STEP_USAGE, EINVAL, '?');
        }
    }
    if (optind >= argc)
        fail(STEP_USAGE, EINVAL, '-');

    /* Nothing but 0-2 and the script fd may reach the job; the error pipe closes at exec. */
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        for (int fd = 3; fd < 1024; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }

    if (cgroup != NULL)
        join_cgroup(cgroup);

    default_all_signals();

    /* init(5): each process is made a session and process-group leader. */
    if (setsid() < 0)
        fail(STEP_SETSID, errno, 0);

    /* console owner: /dev/console becomes the controlling terminal so ^C reaches the job. */
    if (console_owner && ioctl(STDIN_FILENO, TIOCSCTTY, 1) != 0)
        fail(STEP_CONSOLE_OWNER, errno, 0);

    if (mask >= 0)
        umask((mode_t)mask);

    for (int i = 0; i < limit_count; i++) {
        if (setrlimit(limits[i].resource, &limits[i].value) != 0)
            fail(STEP_RLIMIT, errno, i);
    }

    if (have_nice && setpriority(PRIO_PROCESS, 0, (int)nice_value) != 0)
        fail(STEP_NICE, errno, 0);

    if (have_oom)
        write_oom_score(oom);

    struct identity id = { 0 };
    resolve_names(user, group, &id);

    if (root != NULL && chroot(root) != 0)
        fail(STEP_CHROOT, errno, 0);
    if (chdir(dir) != 0)
        fail(STEP_CHDIR, errno, 0);

    if (id.have_gid && setgid(id.gid) != 0)
        fail(STEP_SETGID, errno, 0);
    if (id.have_uid) {
        if (user_groups(&id) != 0)
            fail(STEP_SETGROUPS, errno, 0);
        if (setuid(id.uid) != 0)
            fail(STEP_SETUID, errno, 0);
    } else if (id.have_gid && setgroups(1, &id.gid) != 0) {
        /* setgid alone: drop the daemon's supplementary groups rather than leak root's. */
        fail(STEP_SETGROUPS, errno, 0);
    }

    if (keep_fd >= 0 && fcntl((int)keep_fd, F_SETFD, 0) != 0)
        fail(STEP_KEEP_FD, errno, 0);

    /* The environment is exactly what the daemon gave posix_spawn; PATH lookup uses the job's PATH. */
    execvp(argv[optind], &argv[optind]);
    fail(STEP_EXEC, errno, 0);
    return 127;
}
