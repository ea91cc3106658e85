/*
 * bench/latrec.c: a closed-loop HTTP/1.1 load generator, like `wrk -t1 -cN`, that records every request: when its
 * response ended (CLOCK_REALTIME, to line up with a JVM's -Xlog time decorations or a JFR recording) and how long it
 * took (CLOCK_MONOTONIC, from the first byte written to the last byte read, as wrk measures). wrk reports a
 * percentile per run; this says *when* the slow requests happened, so a tail can be told apart as stalls (a GC, a
 * safepoint, another thread on the server's CPU: many connections slow at the same instant) or as queueing spread
 * over the run (every request a little late).
 *
 *   cc -O2 -o latrec bench/latrec.c
 *   taskset -c 1 ./latrec -c 64 -d 10 -o out.bin [-H 'Accept-Encoding: br'] http://127.0.0.1:8080/.well-known/jwks.json
 *
 * Prints requests, req/s and p50/p90/p99/p99.9/max; writes out.bin as pairs of little-endian int64 (end realtime ns,
 * latency ns), one pair per response, for bench/latency-timeline.py. Keep-alive, GET only, Content-Length bodies
 * (no chunked), one request in flight per connection: what the JWKS and cached-page workloads need, nothing more.
 *
 * With -b, the requests of the connections answered in one epoll_wait go out together after it, as wrk writes
 * them (wrk waits for the socket to be writable, i.e. the next turn of its loop): the server then gets its work in
 * bursts.
 *
 * With -p PID -s FILE it also samples, every 10 ms, the scheduler's own accounting (/proc/PID/task/TID/schedstat:
 * ns on the CPU, ns runnable but waiting for it, time slices) of every thread of the server, and of the server's CPU
 * as a whole (-C N: the cpuN line of /proc/schedstat, for time other processes took on it), as text lines
 * "realtime_ns tid name run_ns wait_ns slices" ("cpuN" as tid for the CPU line): who ran on the event loop's core
 * while a request was late.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  int64_t sent_ns;
  size_t have;      /* bytes in buf */
  long need;        /* total bytes of the response once the head is parsed, else -1 */
  char buf[1 << 17];
} conn_t;

static int64_t mono_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}
static int64_t real_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static char request[4096];
static size_t request_len;
static struct sockaddr_in addr;

static int open_conn(conn_t *c, int ep) {
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0) return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) != 0) return -1;
  fcntl(c->fd, F_SETFL, O_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
  return epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static int send_request(conn_t *c) {
  c->have = 0;
  c->need = -1;
  c->sent_ns = mono_ns();
  ssize_t n = write(c->fd, request, request_len);
  return n == (ssize_t)request_len ? 0 : -1; /* a few hundred bytes into an empty socket buffer */
}

/* Total length of the response in buf once its head is complete: head + Content-Length; -1 while incomplete. */
static long response_length(conn_t *c) {
  char *end = memmem(c->buf, c->have, "\r\n\r\n", 4);
  if (!end) return -1;
  long head = end - c->buf + 4, body = 0;
  for (char *line = memchr(c->buf, '\n', head); line && line < end; line = memchr(line + 1, '\n', end - line)) {
    if (strncasecmp(line + 1, "content-length:", 15) == 0) body = strtol(line + 16, NULL, 10);
  }
  /* 304 and HEAD answers carry a Content-Length without a body; this tool only sends GETs that get 200s */
  if (c->have >= 12 && strncmp(c->buf + 9, "304", 3) == 0) body = 0;
  return head + body;
}

/* One sample of every thread of pid (and of cpu `cpu`'s line in /proc/schedstat) to f. */
static void sample(FILE *f, int pid, int cpu) {
  char path[320], line[512], name[64];
  int64_t now = real_ns();
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *de;
  while ((de = readdir(d))) {
    if (de->d_name[0] == '.') continue;
    unsigned long long run = 0, wait = 0, slices = 0;
    snprintf(path, sizeof path, "/proc/%d/task/%s/schedstat", pid, de->d_name);
    FILE *s = fopen(path, "r");
    if (!s) continue;
    int ok = fscanf(s, "%llu %llu %llu", &run, &wait, &slices) == 3;
    fclose(s);
    snprintf(path, sizeof path, "/proc/%d/task/%s/comm", pid, de->d_name);
    strcpy(name, "?");
    if ((s = fopen(path, "r"))) {
      if (fgets(name, sizeof name, s)) name[strcspn(name, "\n")] = 0;
      fclose(s);
    }
    for (char *p = name; *p; p++) if (*p == ' ') *p = '_';
    if (ok) fprintf(f, "%lld %s %s %llu %llu %llu\n", (long long)now, de->d_name, name, run, wait, slices);
  }
  closedir(d);
  if (cpu >= 0) {
    FILE *s = fopen("/proc/schedstat", "r");
    char want[16];
    snprintf(want, sizeof want, "cpu%d ", cpu);
    while (s && fgets(line, sizeof line, s)) {
      if (strncmp(line, want, strlen(want)) != 0) continue;
      unsigned long long v[9];
      if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                 &v[5], &v[6], &v[7], &v[8]) == 9)
        fprintf(f, "%lld cpu%d cpu %llu %llu %llu\n", (long long)now, cpu, v[6], v[7], v[8]);
    }
    if (s) fclose(s);
  }
}

static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int conns = 64, seconds = 10, opt, pid = 0, cpu = -1, batch = 0;
  const char *out = NULL, *samples = NULL;
  char headers[2048] = "";
  while ((opt = getopt(argc, argv, "c:d:o:H:p:s:C:b")) != -1) {
    switch (opt) {
      case 'c': conns = atoi(optarg); break;
      case 'd': seconds = atoi(optarg); break;
      case 'o': out = optarg; break;
      case 'p': pid = atoi(optarg); break;
      case 's': samples = optarg; break;
      case 'C': cpu = atoi(optarg); break;
      case 'b': batch = 1; break;
      case 'H': strncat(headers, optarg, sizeof headers - strlen(headers) - 3); strcat(headers, "\r\n"); break;
      default:
        fprintf(stderr, "usage: latrec [-c conns] [-d seconds] [-o file] [-H header]... [-p pid -s file [-C cpu]] URL\n");
        return 2;
    }
  }
  if (optind >= argc) { fprintf(stderr, "no URL\n"); return 2; }
  char host[256], path[1024] = "/";
  int port = 80;
  if (sscanf(argv[optind], "http://%255[^:/]:%d%1023s", host, &port, path) < 2) { fprintf(stderr, "bad URL\n"); return 2; }
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { fprintf(stderr, "host must be an IPv4 address\n"); return 2; }
  request_len = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n", path, host, port, headers);

  size_t cap = 1 << 20, n = 0;
  int64_t *rec = malloc(cap * 2 * sizeof(int64_t));
  conn_t *cs = calloc(conns, sizeof(conn_t));
  int ep = epoll_create1(0);
  for (int i = 0; i < conns; i++) {
    if (open_conn(&cs[i], ep) != 0) { perror("connect"); return 1; }
  }
  int64_t start = mono_ns(), stop = start + (int64_t)seconds * 1000000000LL;
  long errors = 0;
  for (int i = 0; i < conns; i++) send_request(&cs[i]);
  struct epoll_event evs[256];
  FILE *sf = NULL;
  if (samples && pid > 0 && !(sf = fopen(samples, "w"))) { perror(samples); return 1; }
  int64_t next_sample = start;
  while (mono_ns() < stop) {
    if (sf && mono_ns() >= next_sample) {
      sample(sf, pid, cpu);
      next_sample += 10000000LL;
    }
    int k = epoll_wait(ep, evs, 256, sf ? 5 : 100);
    int ready = 0;
    for (int e = 0; e < k; e++) {
      conn_t *c = evs[e].data.ptr;
      ssize_t r = read(c->fd, c->buf + c->have, sizeof c->buf - c->have);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        errors++;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
        if (open_conn(c, ep) == 0) send_request(c);
        continue;
      }
      c->have += r;
      if (c->need < 0) c->need = response_length(c);
      if (c->need < 0 || (long)c->have < c->need) continue;
      if (strncmp(c->buf + 9, "200", 3) != 0 && strncmp(c->buf + 9, "304", 3) != 0) errors++;
      int64_t now = mono_ns();
      if (n == cap) { cap *= 2; rec = realloc(rec, cap * 2 * sizeof(int64_t)); }
      rec[2 * n] = real_ns();
      rec[2 * n + 1] = now - c->sent_ns;
      n++;
      if (batch) {
        c->need = -2; /* answered: its next request goes out after this batch of events, as wrk does */
        continue;
      }
      if (send_request(c) != 0) errors++;
    }
    for (int e = 0; batch && e < k; e++) {
      conn_t *c = evs[e].data.ptr;
      if (c->need == -2) {
        ready++;
        if (send_request(c) != 0) errors++;
      }
    }
  }
  double elapsed = (mono_ns() - start) / 1e9;
  if (sf) { sample(sf, pid, cpu); fclose(sf); }
  if (out) {
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(rec, sizeof(int64_t), 2 * n, f) != 2 * n) { perror(out); return 1; }
    fclose(f);
  }
  int64_t *lat = malloc((n ? n : 1) * sizeof(int64_t));
  for (size_t i = 0; i < n; i++) lat[i] = rec[2 * i + 1];
  qsort(lat, n, sizeof(int64_t), cmp64);
#define PCT(p) (n ? lat[(size_t)((p) / 100.0 * (n - 1))] / 1e6 : 0)
  printf("requests %zu errors %ld req/s %.0f p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f ms\n", n, errors,
         n / elapsed, PCT(50), PCT(90), PCT(99), PCT(99.9), n ? lat[n - 1] / 1e6 : 0);
  return 0;
}
