// bench/floor/status-client-floor.c -- the floor of "upstartctl status JOB, whole process": a C client that
// does what upstartctl does on the wire and nothing else (connect, hello and request in one write, read
// the daemon's hello and the answer, print the main pid), with no runtime to start. Not a client to ship:
// it skips every check upstartctl makes; it only shows what a whole-process status costs without .NET.
//
//   status-client-floor SOCKET JOB
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

static int read_all(int fd, char *buffer, size_t size) {
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buffer + got, size - got);
        if (n <= 0) return -1;
        got += (size_t)n;
    }
    return 0;
}

// Reads one frame (4-byte big-endian length, then JSON) into buffer; returns its length or -1.
static long read_frame(int fd, char *buffer, size_t size) {
    unsigned char header[4];
    if (read_all(fd, (char *)header, 4)) return -1;
    size_t length = ((size_t)header[0] << 24) | ((size_t)header[1] << 16) | ((size_t)header[2] << 8) | header[3];
    if (length >= size || read_all(fd, buffer, length)) return -1;
    buffer[length] = 0;
    return (long)length;
}

static size_t put_frame(char *out, const char *json) {
    size_t length = strlen(json);
    out[0] = (char)(length >> 24); out[1] = (char)(length >> 16); out[2] = (char)(length >> 8); out[3] = (char)length;
    memcpy(out + 4, json, length);
    return length + 4;
}

int main(int argc, char **argv) {
    if (argc != 3 || strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path) || strlen(argv[2]) > 200) return 2;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strcpy(address.sun_path, argv[1]);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address)) { perror("connect"); return 1; }
    char request[512], out[1024];
    size_t n = put_frame(out, "{\"type\":\"hello\",\"protocol\":1,\"client\":\"status-client-floor\"}");
    snprintf(request, sizeof request, "{\"id\":1,\"op\":\"status\",\"job\":\"%s\"}", argv[2]);  // a bench job name: no quoting needed
    n += put_frame(out + n, request);
    if (write(fd, out, n) != (ssize_t)n) return 1;
    static char frame[1 << 20];
    if (read_frame(fd, frame, sizeof frame) < 0 || read_frame(fd, frame, sizeof frame) < 0) return 1;
    char *pid = strstr(frame, "\"pid\":");
    printf("%s start/running, process %ld\n", argv[2], pid ? strtol(pid + 6, 0, 10) : 0L);
    return 0;
}
