/*
 * exec-plan: the first half of the steps between spawn and a job's exec (exec-steps.h): the helper's
 * options parsed, names resolved, text formatted and memory allocated, before anything is applied. In the
 * helper program it runs in the helper; for the spawn library it runs in the daemon, whose child then only
 * applies (exec-steps.c). Every instruction arrives as its own argv option, so nothing is ever pasted into
 * a shell:
 *
 *   upstart-exec -e FD [-c CGROUP] [-t] [-m UMASK] [-n NICE] [-o SCORE] [-l RES:SOFT:HARD]... [-r ROOT]
 *                [-d DIR] [-u USER] [-g GROUP] [-k FD] -- FILE [ARG]...
 *
 * Built with -DUPSTART_SPAWN_LIBRARY for the spawn library, whose child shares the daemon's memory until it
 * execs, and which refuses what such a child must not do; the daemon runs the helper program for those jobs:
 * -u/-g (resolving names goes through NSS, which the child cannot call) and -o (the kernel applies a write to
 * oom_score_adj to every process sharing the writer's memory: it would change the daemon's own).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exec-steps.h"

static int refuse(int failure[3], int step, int err, int detail)
{
    failure[0] = step;
    failure[1] = err;
    failure[2] = detail;
    return -1;
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

/* RES:SOFT:HARD; TEXT is left as it was (in the library it is the daemon's memory). */
static int parse_limit(const char *text, int *resource, struct rlimit *value)
{
    const char *first = strchr(text, ':');
    if (first == NULL)
        return -1;
    const char *second = strchr(first + 1, ':');
    if (second == NULL)
        return -1;
    *resource = resource_by_name(text, (size_t)(first - text));
    char soft[32];
    size_t soft_length = (size_t)(second - first - 1);
    if (*resource < 0 || soft_length >= sizeof soft)
        return -1;
    memcpy(soft, first + 1, soft_length);
    soft[soft_length] = '\0';
    if (parse_limit_value(soft, &value->rlim_cur) != 0 || parse_limit_value(second + 1, &value->rlim_max) != 0)
        return -1;
    return 0;
}

#ifndef UPSTART_SPAWN_LIBRARY
/*
 * With `chroot`, Upstart 1.13 looks the names up after its chroot call ("to accommodate ... jobs with a chroot
 * stanza"): the user and group are those of the new root's /etc/passwd and /etc/group, which may differ from
 * the host's or exist only there. They are read here as files (fgetpwent, fgetgrent) under the root, before
 * anything is applied: no NSS module is ever loaded from the job's root into this root-owned process.
 *
 * They are opened with openat2's RESOLVE_IN_ROOT, so every symlink and ".." on the way resolves inside the root
 * as it would after chroot(2): an etc/passwd that links to /etc/passwd is the root's own file (or a loop), never
 * the host's. Kernels before 5.6 have no openat2 (ENOSYS); there the path is opened as a plain path, the only
 * lookup they allow short of chroot(2) in this process.
 */
static FILE *open_in_root(const char *root, const char *file)
{
    int directory = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (directory < 0)
        return NULL;
    struct open_how how = {
        .flags = O_RDONLY | O_CLOEXEC,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, directory, file, &how, sizeof how);
    int error = errno;
    close(directory);
    if (fd < 0 && error == ENOSYS) {
        char path[4096];
        int length = snprintf(path, sizeof path, "%s/%s", root, file);
        if (length < 0 || (size_t)length >= sizeof path) {
            errno = ENAMETOOLONG;
            return NULL;
        }
        return fopen(path, "re");
    }
    if (fd < 0) {
        errno = error;
        return NULL;
    }
    FILE *stream = fdopen(fd, "r");
    if (stream == NULL)
        close(fd);
    return stream;
}

static struct passwd *user_in_root(const char *root, const char *user)
{
    FILE *file = open_in_root(root, "etc/passwd");
    if (file == NULL)
        return NULL;
    struct passwd *pw;
    while ((pw = fgetpwent(file)) != NULL && strcmp(pw->pw_name, user) != 0)
        ;
    fclose(file);
    return pw; /* fgetpwent's static storage stays valid until its next call */
}

static struct group *group_in_root(const char *root, const char *group)
{
    FILE *file = open_in_root(root, "etc/group");
    if (file == NULL)
        return NULL;
    struct group *gr;
    while ((gr = fgetgrent(file)) != NULL && strcmp(gr->gr_name, group) != 0)
        ;
    fclose(file);
    return gr;
}

/* getgrouplist's answer from the root's /etc/group: GROUP first, then every group listing USER as a member. */
static int memberships_in_root(const char *root, const char *user, gid_t group, struct exec_plan *plan)
{
    int count = 1;
    gid_t *groups = malloc(65536 * sizeof *groups);
    if (groups == NULL)
        return ENOMEM;
    groups[0] = group;
    FILE *file = open_in_root(root, "etc/group");
    struct group *gr;
    while (file != NULL && count < 65536 && (gr = fgetgrent(file)) != NULL) {
        for (char **member = gr->gr_mem; member != NULL && *member != NULL; member++) {
            if (strcmp(*member, user) == 0 && gr->gr_gid != group) {
                groups[count++] = gr->gr_gid;
                break;
            }
        }
    }
    if (file != NULL)
        fclose(file);
    plan->groups = groups;
    plan->group_count = count;
    return 0;
}

/* Names are resolved before anything is applied: on the host's user database, or the chroot's files (above). */
static int resolve_names(const char *user, const char *group, struct exec_plan *plan, int failure[3])
{
    const char *root = plan->root;
    if (user != NULL) {
        errno = 0;
        struct passwd *pw = root != NULL ? user_in_root(root, user) : getpwnam(user);
        /* A root without /etc/passwd has no such user, as for Upstart's lookup inside it. */
        if (pw == NULL)
            return refuse(failure, errno != 0 && errno != ENOENT ? STEP_GETPWNAM : STEP_NO_SUCH_USER, errno, 0);
        plan->uid = pw->pw_uid;
        plan->gid = pw->pw_gid; /* init(5): setuid alone runs with the user's primary group */
        plan->have_uid = plan->have_gid = 1;
    }
    /* Upstart checks the user before the group: a job naming both a missing user and group fails on the user. */
    if (group != NULL) {
        errno = 0;
        struct group *gr = root != NULL ? group_in_root(root, group) : getgrnam(group);
        if (gr == NULL)
            return refuse(failure, errno != 0 && errno != ENOENT ? STEP_GETGRNAM : STEP_NO_SUCH_GROUP, errno, 0);
        plan->gid = gr->gr_gid;
        plan->have_gid = 1;
    }
    if (user != NULL && root != NULL) {
        int err = memberships_in_root(root, user, plan->gid, plan);
        if (err != 0)
            return refuse(failure, STEP_SETGROUPS, err, 0);
    } else if (user != NULL) {
        /* The user's supplementary groups as Upstart's initgroups(user, group) gives them for system jobs:
           the user's memberships plus the job's group, the setgid one when the job names one. */
        int count = 32;
        for (;;) {
            gid_t *groups = malloc((size_t)count * sizeof *groups);
            if (groups == NULL)
                return refuse(failure, STEP_SETGROUPS, ENOMEM, 0);
            int wanted = count;
            if (getgrouplist(user, plan->gid, groups, &wanted) >= 0) {
                plan->groups = groups;
                plan->group_count = wanted;
                break;
            }
            free(groups);
            if (wanted <= count || wanted > 65536)
                return refuse(failure, STEP_SETGROUPS, EINVAL, 0);
            count = wanted;
        }
    }
    return 0;
}
#endif

/* The value of NAME in ENVP, or NULL. */
static const char *env_value(char **envp, const char *name)
{
    size_t length = strlen(name);
    for (char **entry = envp; *entry != NULL; entry++) {
        if (strncmp(*entry, name, length) == 0 && (*entry)[length] == '=')
            return *entry + length + 1;
    }
    return NULL;
}

int upstart_exec_plan(int argc, char **argv, char **envp, struct exec_plan *plan, int failure[3])
{
    const char *user = NULL, *group = NULL, *cgroup = NULL;
    long value;
    memset(plan, 0, sizeof *plan);
    plan->error_fd = -1;
    plan->mask = -1;
    plan->keep_fd = -1;
    plan->dir = "/";
    plan->envp = envp;

    /* "+": stop at the first non-option, the job's own argv is never parsed as ours. opterr 0: getopt must
     * not print; a bad option is reported like any failure. optind 0: a full restart, as the library plans
     * once per spawn in the same process (under its lock: getopt's state is global). */
    opterr = 0;
    optind = 0;
    int option;
    while ((option = getopt(argc, argv, EXEC_HELPER_OPTIONS)) != -1) {
        switch (option) {
        case 'e':
            if (parse_long(optarg, 0, INT_MAX, &value) != 0)
                return refuse(failure, STEP_USAGE, EINVAL, 'e');
            plan->error_fd = (int)value;
            break;
        case 'c':
            cgroup = optarg;
            break;
        case 't':
            plan->console_owner = 1;
            break;
        case 'm':
            if (parse_long(optarg, 0, 0777, &plan->mask) != 0)
                return refuse(failure, STEP_USAGE, EINVAL, 'm');
            break;
        case 'n':
            if (parse_long(optarg, -20, 19, &plan->nice_value) != 0)
                return refuse(failure, STEP_USAGE, EINVAL, 'n');
            plan->have_nice = 1;
            break;
        case 'o':
#ifdef UPSTART_SPAWN_LIBRARY
            return refuse(failure, STEP_USAGE, ENOTSUP, option);
#endif
            if (parse_long(optarg, -1000, 1000, &value) != 0)
                return refuse(failure, STEP_USAGE, EINVAL, 'o');
            plan->oom_length = snprintf(plan->oom_text, sizeof plan->oom_text, "%ld\n", value);
            break;
        case 'l':
            if (plan->limit_count == EXEC_MAX_LIMITS
                || parse_limit(optarg, &plan->limits[plan->limit_count].resource, &plan->limits[plan->limit_count].value) != 0)
                return refuse(failure, STEP_USAGE, EINVAL, 'l');
            plan->limit_count++;
            break;
        case 'r':
            plan->root = optarg;
            break;
        case 'd':
            plan->dir = optarg;
            break;
#ifdef UPSTART_SPAWN_LIBRARY
        case 'u':
        case 'g':
            return refuse(failure, STEP_USAGE, ENOTSUP, option);
#else
        case 'u':
            user = optarg;
            break;
        case 'g':
            group = optarg;
            break;
#endif
        case 'k':
            if (parse_long(optarg, 0, INT_MAX, &plan->keep_fd) != 0)
                return refuse(failure, STEP_USAGE, EINVAL, 'k');
            break;
        default:
            return refuse(failure, STEP_USAGE, EINVAL, '?');
        }
    }
    if (optind >= argc)
        return refuse(failure, STEP_USAGE, EINVAL, '-');
    plan->argv = &argv[optind];

    if (cgroup != NULL) {
        int length = snprintf(plan->cgroup_storage, sizeof plan->cgroup_storage, "%s/cgroup.procs", cgroup);
        if (length < 0 || (size_t)length >= sizeof plan->cgroup_storage)
            return refuse(failure, STEP_CGROUP, ENAMETOOLONG, 0);
        plan->cgroup = cgroup;
        plan->cgroup_procs = plan->cgroup_storage;
    }

    /* As glibc's execvp: the PATH of the environment the command gets, "/bin:/usr/bin" without one. */
    plan->path = env_value(envp, "PATH");
    if (plan->path == NULL)
        plan->path = "/bin:/usr/bin";

    size_t job_argc = (size_t)(argc - optind);
    plan->shell_argv = calloc(job_argc + 2, sizeof *plan->shell_argv);
    if (plan->shell_argv == NULL)
        return refuse(failure, STEP_EXEC, ENOMEM, 0);

#ifndef UPSTART_SPAWN_LIBRARY
    if (resolve_names(user, group, plan, failure) != 0) {
        free(plan->shell_argv);
        plan->shell_argv = NULL;
        return -1;
    }
#else
    (void)user;
    (void)group;
#endif
    return 0;
}

void upstart_exec_plan_free(struct exec_plan *plan)
{
    free(plan->shell_argv);
    free(plan->groups);
    plan->shell_argv = NULL;
    plan->groups = NULL;
}
