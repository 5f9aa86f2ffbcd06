// bench/floor/status-floor.c -- the floor of "status through one open connection": a protocol-v1 server that
// does no work (one client, the hello answered, every request answered with one canned job, blocking
// read and write on one thread). What the bench client measures against it is the client and the
// socket; the daemon can only add to it. Built and run by bench/status-one-connection.sh.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
static int readn(int fd, char *b, int n) { int g = 0; while (g < n) { int r = read(fd, b + g, n - g); if (r <= 0) return -1; g += r; } return 0; }
static void frame(int fd, const char *s) { unsigned n = strlen(s); unsigned char h[4] = { n >> 24, n >> 16, n >> 8, n }; char buf[4096]; memcpy(buf, h, 4); memcpy(buf + 4, s, n); write(fd, buf, n + 4); }
int main(int argc, char **argv) {
    int l = socket(AF_UNIX, SOCK_STREAM, 0); struct sockaddr_un a = { .sun_family = AF_UNIX }; strcpy(a.sun_path, argv[1]); unlink(argv[1]);
    bind(l, (void *)&a, sizeof a); listen(l, 1); int c = accept(l, 0, 0); char buf[65536]; unsigned char h[4];
    if (readn(c, (char *)h, 4)) return 0; unsigned n = (h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]; readn(c, buf, n);
    frame(c, "{\"type\":\"hello\",\"protocol\":1,\"daemon\":\"x\",\"mode\":\"session\"}");
    for (;;) {
        if (readn(c, (char *)h, 4)) return 0; n = (h[0] << 24) | (h[1] << 16) | (h[2] << 8) | h[3]; if (readn(c, buf, n)) return 0;
        char *p = strstr(buf, "\"id\":"); long id = p ? strtol(p + 5, 0, 10) : 0; char out[1024];
        snprintf(out, sizeof out, "{\"id\":%ld,\"type\":\"result\",\"jobs\":[{\"name\":\"s0001\",\"instance\":\"\",\"goal\":\"start\",\"state\":\"running\",\"hasInstance\":true,\"processes\":[{\"kind\":\"main\",\"pid\":4242}]}]}", id);
        frame(c, out);
    }
}
