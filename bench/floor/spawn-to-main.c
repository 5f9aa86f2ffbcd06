// bench/floor/spawn-to-main.c -- what it costs here to get from "spawn" to the new program's main(), the
// part of a respawn and of a mass start that is process creation, one way at a time. A measurement tool
// (docs/performance.md, "Where a respawn's time goes"), not shipped. Each sample: posix_spawn or clone,
// then the child's first CLOCK_MONOTONIC reading, sent back on a pipe; p50 and p90 over N samples.
//
//   cc -O2 -o spawn-to-main spawn-to-main.c && cc -O2 -static -o stamp spawn-to-main.c -DSTAMP
//   spawn-to-main WAY STAMP [HELPER CGROUP_DIR] [N]   # STAMP an absolute path (helper and inchild chdir to /)
//
// WAY: direct   posix_spawn of STAMP
//      setsid   the same with POSIX_SPAWN_SETSID
//      helper   posix_spawn of HELPER (upstart-exec) -c CGROUP_DIR -- STAMP: the path of a job that names a user or
//               group (and of every job before libupstart-spawn.so)
//      inchild  clone(CLONE_VM|CLONE_VFORK) whose child does the helper's work for a plain job itself
//               (every signal to SIG_DFL, join CGROUP_DIR, setsid, chdir /) and execs STAMP: no helper exec, as
//               the spawn library now does without CLONE_VFORK
// CGROUP_DIR: a cgroup v2 directory this user may join (a new directory on the cgroup2 mount; rmdir it after).
// N is read only after HELPER and CGROUP_DIR (pass any two words for direct and setsid).
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

#ifdef STAMP
// The spawned program: its first act is to read the clock and write the reading to stdout.
int main(void) {
    long long t = now_ns();
    return write(1, &t, sizeof t) == sizeof t ? 0 : 1;
}
#else
extern char **environ;

struct child_request { int out; const char *stamp; const char *procs; };

static int in_child(void *arg) {
    struct child_request *r = arg;
    unsigned long zero[8] = { 0 };
    for (int sig = 1; sig <= 64; sig++)
        if (sig != SIGKILL && sig != SIGSTOP) syscall(SYS_rt_sigaction, sig, zero, NULL, 8);
    int fd = open(r->procs, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(126);
    close(fd);
    if (dup2(r->out, 1) < 0 || setsid() < 0 || chdir("/") != 0) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    char *argv[] = { (char *)r->stamp, NULL };
    execve(r->stamp, argv, environ);
    _exit(127);
}

static int compare(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: spawn-to-main direct|setsid|helper|inchild STAMP [HELPER CGROUP_DIR] [N]\n"); return 2; }
    const char *way = argv[1], *stamp = argv[2];
    const char *helper = argc > 3 ? argv[3] : NULL, *cgroup = argc > 4 ? argv[4] : NULL;
    int n = argc > 5 ? atoi(argv[5]) : 400;
    if ((!strcmp(way, "helper") || !strcmp(way, "inchild")) && (helper == NULL || cgroup == NULL)) { fprintf(stderr, "%s needs HELPER and CGROUP_DIR\n", way); return 2; }
    char procs[4096];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", cgroup ? cgroup : "");
    char *stack = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    long long *samples = calloc((size_t)n, sizeof *samples);
    if (stack == MAP_FAILED || samples == NULL) return 1;

    for (int i = 0; i < n; i++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) != 0) return 1;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, p[1], 1);
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        pid_t pid = -1;
        long long start = now_ns();
        if (!strcmp(way, "direct") || !strcmp(way, "setsid")) {
            if (!strcmp(way, "setsid")) posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
            char *child_argv[] = { (char *)stamp, NULL };
            if (posix_spawn(&pid, stamp, &actions, &attr, child_argv, environ) != 0) pid = -1;
        } else if (!strcmp(way, "helper")) {
            char *child_argv[] = { "upstart-exec", "-e", "2", "-c", (char *)cgroup, "--", (char *)stamp, NULL };
            if (posix_spawn(&pid, helper, &actions, &attr, child_argv, environ) != 0) pid = -1;
        } else {
            struct child_request request = { p[1], stamp, procs };
            sigset_t all, old;
            sigfillset(&all);
            pthread_sigmask(SIG_SETMASK, &all, &old);
            pid = clone(in_child, stack + (1 << 20), CLONE_VM | CLONE_VFORK | SIGCHLD, &request);
            pthread_sigmask(SIG_SETMASK, &old, NULL);
        }
        close(p[1]);
        long long stamped = 0;
        if (pid < 0 || read(p[0], &stamped, sizeof stamped) != sizeof stamped) { fprintf(stderr, "%s: no stamp\n", way); return 1; }
        samples[i] = stamped - start;
        waitpid(pid, NULL, 0);
        close(p[0]);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    qsort(samples, (size_t)n, sizeof *samples, compare);
    printf("%-8s spawn -> main(): p50 %.0f us, p90 %.0f us (n=%d)\n", way, samples[n / 2] / 1e3, samples[n * 9 / 10] / 1e3, n);
    return 0;
}
#endif
