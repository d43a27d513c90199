/*
 * A standalone driver for packet_fuzzer.c, for compilers without libFuzzer (gcc, which CI has):
 * loads the seed corpus, runs every seed as it is, then mutated inputs - byte flips, random and
 * "interesting" bytes, inserts, deletes, duplicated chunks, splices of two seeds, length and
 * 16/32-bit field changes, truncation - each drawn from its own PRNG stream (seed, index), so a
 * failing input can be reproduced alone (--only INDEX). No coverage feedback: the seeds and the
 * harness's structure do the steering. Prints one JSON line {"inputs","ms","seed","seeds",...}.
 *
 *   standalone_driver [--runs N] [--seed S] [--max-len L] [--only I] [--crash-dir DIR] CORPUS_DIR...
 *   standalone_driver [--repeat R] FILE...   (replays the files: a reproducer; with --repeat, each
 *                                             R times, and its mean time per run on stderr)
 *
 * On an invariant violation (abort) or a sanitizer report the input is printed as hex on stderr
 * (and written to DIR/crash-<seed>-<index> with --crash-dir); the exit status is non-zero.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* From the sanitizers' runtime (weak: the driver also links without one). */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

#define MAX_SEEDS 4096

typedef struct {
  uint8_t *data;
  size_t size;
  char *name;
} blob_t;

static blob_t seeds[MAX_SEEDS];
static size_t nseeds;
static size_t max_len = 4096;
static uint64_t seed = 1;
static const char *crash_dir;

/* The input being run, for the report of a failure. */
static const uint8_t *current;
static size_t current_size;
static long long current_index = -1;
static const char *current_name;

static void put(const char *s) {
  ssize_t r = write(2, s, strlen(s));
  (void)r;
}

/* Called from a signal handler or the sanitizers' death callback: async-signal-safe writes only. */
static void report_input(void) {
  static volatile sig_atomic_t once = 0;
  if (once || current == NULL) return;
  once = 1;
  char line[4400];
  snprintf(line, sizeof line, "\n*** standalone_driver: input %lld (%s, seed %llu, %zu octets) failed; hex: ", current_index, current_name ? current_name : "mutated from the seeds",
           (unsigned long long)seed, current_size);
  put(line);
  static const char hex[] = "0123456789abcdef";
  char buf[2];
  for (size_t i = 0; i < current_size; i++) {
    buf[0] = hex[current[i] >> 4];
    buf[1] = hex[current[i] & 15];
    ssize_t r = write(2, buf, 2);
    (void)r;
  }
  put(" ***\n");
  if (crash_dir != NULL) {
    char path[4096];
    snprintf(path, sizeof path, "%s/crash-%llu-%lld", crash_dir, (unsigned long long)seed, current_index);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      ssize_t r = write(fd, current, current_size);
      (void)r;
      close(fd);
      put("written to ");
      put(path);
      put("\n");
    }
  }
}

static void on_abort(int sig) {
  report_input();
  signal(sig, SIG_DFL);
  raise(sig);
}

static uint8_t *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return NULL;
  uint8_t *buf = (uint8_t *)malloc(max_len > 0 ? max_len : 1);
  size_t n = buf == NULL ? 0 : fread(buf, 1, max_len, f);
  fclose(f);
  *size = n;
  return buf;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every regular file of a folder, in name order (deterministic). */
static void load_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (d == NULL) {
    fprintf(stderr, "standalone_driver: cannot open %s\n", dir);
    exit(2);
  }
  char *names[MAX_SEEDS];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < MAX_SEEDS) {
    if (e->d_name[0] == '.') continue;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
    names[n++] = strdup(path);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], by_name);
  for (size_t i = 0; i < n && nseeds < MAX_SEEDS; i++) {
    size_t size = 0;
    uint8_t *data = read_file(names[i], &size);
    if (data != NULL && size > 0) {
      seeds[nseeds].data = data;
      seeds[nseeds].size = size;
      seeds[nseeds].name = names[i];
      nseeds++;
    } else {
      free(data);
      free(names[i]);
    }
  }
}

/* splitmix64: one stream per (seed, input index). */
static uint64_t next(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static size_t below(uint64_t *s, size_t n) { return n == 0 ? 0 : (size_t)(next(s) % n); }

static const uint8_t interesting8[] = {0x00, 0x01, 0x02, 0x04, 0x0f, 0x10, 0x20, 0x3f, 0x40, 0x5f, 0x60, 0x7f, 0x80, 0x81, 0x90, 0xa0,
                                       0xbe, 0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xde, 0xef, 0xf0, 0xfe, 0xff, 0x0c, 0x65, 0x08, 0x18, 0x1f};
static const uint32_t interesting32[] = {0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000u, 0xffffffffu, 0x11223344u, 0x5eed5eedu, 0xbede0001u};

static size_t mutate(uint8_t *buf, size_t size, uint64_t *s) {
  int rounds = 1 + (int)below(s, 8);
  for (int k = 0; k < rounds; k++) {
    switch (below(s, 13)) {
    case 0: /* flip a bit */
      if (size) buf[below(s, size)] ^= (uint8_t)(1u << below(s, 8));
      break;
    case 1: /* a random byte */
      if (size) buf[below(s, size)] = (uint8_t)next(s);
      break;
    case 2: /* an interesting byte */
      if (size) buf[below(s, size)] = interesting8[below(s, sizeof interesting8)];
      break;
    case 3: { /* insert random bytes */
      size_t at = below(s, size + 1), n = 1 + below(s, 16);
      if (size + n > max_len) break;
      memmove(buf + at + n, buf + at, size - at);
      for (size_t i = 0; i < n; i++) buf[at + i] = (uint8_t)next(s);
      size += n;
      break;
    }
    case 4: { /* delete bytes */
      if (size < 2) break;
      size_t at = below(s, size), n = 1 + below(s, 16);
      if (at + n > size) n = size - at;
      memmove(buf + at, buf + at + n, size - at - n);
      size -= n;
      break;
    }
    case 5: { /* duplicate a chunk (a record repeated) */
      if (size < 2) break;
      size_t from = below(s, size), n = 1 + below(s, 64);
      if (from + n > size) n = size - from;
      if (size + n > max_len) break;
      size_t at = below(s, size + 1);
      uint8_t tmp[64];
      memcpy(tmp, buf + from, n);
      memmove(buf + at + n, buf + at, size - at);
      memcpy(buf + at, tmp, n);
      size += n;
      break;
    }
    case 6: { /* splice: this input's head, another seed's tail */
      const blob_t *o = &seeds[below(s, nseeds)];
      size_t cut = below(s, size + 1), from = below(s, o->size);
      size_t n = o->size - from;
      if (cut + n > max_len) n = max_len - cut;
      memcpy(buf + cut, o->data + from, n);
      size = cut + n;
      break;
    }
    case 7: /* arithmetic on a byte (lengths, counts, sequence numbers) */
      if (size) buf[below(s, size)] += (uint8_t)((int)below(s, 9) - 4);
      break;
    case 8: { /* an interesting 16- or 32-bit big-endian value */
      uint32_t v = interesting32[below(s, sizeof interesting32 / sizeof interesting32[0])];
      size_t w = below(s, 2) ? 4 : 2;
      if (size < w) break;
      size_t at = below(s, size - w + 1);
      for (size_t i = 0; i < w; i++) buf[at + i] = (uint8_t)(v >> (8 * (w - 1 - i)));
      break;
    }
    case 9: /* truncate */
      if (size > 1) size = 1 + below(s, size);
      break;
    case 10: { /* append a chunk of another seed (more records) */
      const blob_t *o = &seeds[below(s, nseeds)];
      size_t from = below(s, o->size), n = 1 + below(s, o->size - from);
      if (size + n > max_len) n = max_len - size;
      memcpy(buf + size, o->data + from, n);
      size += n;
      break;
    }
    case 11: /* another configuration */
      if (size) buf[below(s, 2) && size > 1 ? 1 : 0] = (uint8_t)next(s);
      break;
    default: { /* overwrite a run with a copy from elsewhere in the input */
      if (size < 4) break;
      size_t from = below(s, size), to = below(s, size), n = 1 + below(s, 32);
      if (from + n > size) n = size - from;
      if (to + n > size) n = size - to;
      memmove(buf + to, buf + from, n);
      break;
    }
    }
  }
  return size == 0 ? 1 : size;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  long long runs = 100000, only = -1, repeat = 1;
  const char *dirs[64];
  const char *files[256];
  int ndirs = 0, nfiles = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) runs = atoll(argv[++i]);
    else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--max-len") == 0 && i + 1 < argc) max_len = (size_t)atoll(argv[++i]);
    else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) only = atoll(argv[++i]);
    else if (strcmp(argv[i], "--crash-dir") == 0 && i + 1 < argc) crash_dir = argv[++i];
    else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = atoll(argv[++i]);
    else {
      struct stat st;
      if (stat(argv[i], &st) != 0) {
        fprintf(stderr, "standalone_driver: no such file or folder: %s\n", argv[i]);
        return 2;
      }
      if (S_ISDIR(st.st_mode) && ndirs < 64) dirs[ndirs++] = argv[i];
      else if (nfiles < 256) files[nfiles++] = argv[i];
    }
  }
  if (max_len < 2 || max_len > (1u << 20)) max_len = 4096;
  signal(SIGABRT, on_abort);
  if (__sanitizer_set_death_callback != NULL) __sanitizer_set_death_callback(report_input);
  double t0 = now_ms();
  if (nfiles > 0) { /* replay */
    for (int i = 0; i < nfiles; i++) {
      size_t size = 0;
      uint8_t *data = read_file(files[i], &size);
      if (data == NULL) return 2;
      current = data;
      current_size = size;
      current_index = i;
      current_name = files[i];
      double t1 = now_ms();
      for (long long k = 0; k < repeat; k++) LLVMFuzzerTestOneInput(data, size);
      if (repeat > 1) fprintf(stderr, "%8.0f us  %s\n", (now_ms() - t1) * 1000.0 / (double)repeat, files[i]);
      current = NULL;
      free(data);
    }
    printf("{\"inputs\":%lld,\"ms\":%.0f,\"seed\":%llu,\"replayed\":true}\n", (long long)nfiles * (repeat > 1 ? repeat : 1), now_ms() - t0, (unsigned long long)seed);
    return 0;
  }
  for (int i = 0; i < ndirs; i++) load_dir(dirs[i]);
  if (nseeds == 0) {
    fprintf(stderr, "standalone_driver: no seeds (give the corpus folder)\n");
    return 2;
  }
  uint8_t *buf = (uint8_t *)malloc(max_len);
  if (buf == NULL) return 2;
  long long done = 0;
  for (long long i = 0; i < runs; i++) {
    if (only >= 0 && i != only) continue;
    size_t size;
    current_name = NULL;
    if ((size_t)i < nseeds) { /* the seeds first, as they are */
      size = seeds[i].size < max_len ? seeds[i].size : max_len;
      memcpy(buf, seeds[i].data, size);
      current_name = seeds[i].name;
    } else {
      uint64_t s = seed ^ ((uint64_t)i * 0xd1b54a32d192ed03ull);
      const blob_t *base = &seeds[below(&s, nseeds)];
      size = base->size < max_len ? base->size : max_len;
      memcpy(buf, base->data, size);
      size = mutate(buf, size, &s);
    }
    current = buf;
    current_size = size;
    current_index = i;
    LLVMFuzzerTestOneInput(buf, size);
    current = NULL;
    done++;
  }
  printf("{\"inputs\":%lld,\"ms\":%.0f,\"seed\":%llu,\"seeds\":%zu,\"maxLen\":%zu}\n", done, now_ms() - t0, (unsigned long long)seed, nseeds, max_len);
  free(buf);
  for (size_t i = 0; i < nseeds; i++) {
    free(seeds[i].data);
    free(seeds[i].name);
  }
  return 0;
}
