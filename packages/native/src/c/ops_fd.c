/*
 * What a worker does with the requests on descriptors that node:fs has no call for:
 * fiemap, aio_close-style close, copies, fcntl, ioctl, fadvise, splice, tee, mlockall and
 * min_fdlimit. As in ops.c: no pool lock, only the request it was given.
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIEMAP_ALL (-1)     /* count: every extent of the range */
#define FIEMAP_SPARE 8      /* extents allowed to appear between the probe and the call */
#define FIEMAP_DOUBLES 4    /* logical, physical, length, flags */

/* One FS_IOC_FIEMAP call with room for `count` extents; NULL with errno set on failure. */
static struct fiemap *fiemap_call(int fd, uint64_t start, uint64_t length, uint32_t flags, uint32_t count) {
  struct fiemap *fm = calloc(1, sizeof *fm + (size_t)count * sizeof(struct fiemap_extent));
  if (fm == NULL) {
    errno = ENOMEM;
    return NULL;
  }
  fm->fm_start = start;
  fm->fm_length = length;
  fm->fm_flags = flags;
  fm->fm_extent_count = count;
  if (ioctl(fd, FS_IOC_FIEMAP, fm) == 0) return fm;
  int err = errno;
  free(fm);
  errno = err;
  return NULL;
}

/*
 * IO::AIO's aio_fiemap: the extents of [start, start + length) as doubles (logical,
 * physical, length, flags) in u.dir; the value is the number of extents. count -1
 * asks the kernel how many there are first, then fetches them all.
 */
static double do_fiemap(ioaio_req *r) {
  int fd = r->u.in.p.fd;
  uint32_t flags = (uint32_t)r->u.in.p.int1;
  int32_t count = r->u.in.p.int2;
  uint64_t start = (uint64_t)r->u.in.p.num[0];
  uint64_t length = r->u.in.p.num[1] < 0 ? FIEMAP_MAX_OFFSET : (uint64_t)r->u.in.p.num[1];
  if (count == FIEMAP_ALL) {
    struct fiemap *probe = fiemap_call(fd, start, length, flags, 0);
    if (probe == NULL) return -errno;
    count = (int32_t)probe->fm_mapped_extents + FIEMAP_SPARE;
    free(probe);
  }
  struct fiemap *fm = fiemap_call(fd, start, length, flags, (uint32_t)count);
  if (fm == NULL) return -errno;
  size_t n = fm->fm_mapped_extents;
  double *out = malloc(n ? n * FIEMAP_DOUBLES * sizeof *out : 1);
  if (out == NULL) {
    free(fm);
    return -ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    const struct fiemap_extent *e = &fm->fm_extents[i];
    out[i * 4] = (double)e->fe_logical;
    out[i * 4 + 1] = (double)e->fe_physical;
    out[i * 4 + 2] = (double)e->fe_length;
    out[i * 4 + 3] = e->fe_flags;
  }
  free(fm);
  r->u.dir.data = (char *)out;
  r->u.dir.len = n * FIEMAP_DOUBLES * sizeof *out;
  return (double)n;
}

/*
 * IO::AIO's aio_close: the file is released here (the close of a duplicate, whose error
 * is the result) while the number is kept, pointing at the pool's reserved descriptor,
 * until the request is delivered (req_free_parts frees it then, on the main thread). So
 * no open on any thread can take the number while requests queued on it may still run.
 */
static double do_close_reserved(ioaio_req *r) {
  int fd = r->u.in.p.fd, reserved = r->u.in.p.int2;
  if (fd == reserved) return -EBADF;
  int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  /* Platform: with no number free for the duplicate, dup2 alone releases the file (its error is lost). */
  if (dup_fd < 0 && errno != EMFILE) return -errno;
  if (dup2(reserved, fd) < 0) {
    int err = errno;
    if (dup_fd >= 0) close(dup_fd);
    return -err;
  }
  r->u.in.p.int1 = CLOSE_NUMBER_HELD;
  return dup_fd < 0 ? 0 : (close(dup_fd) == 0 ? 0 : -errno);
}

#define COPY_CLONE 1                 /* flag: try FICLONERANGE first */
#define COPY_CHUNK (128 * 1024)      /* Perf: the read/write fallback's buffer */

/* One side of a copy: a descriptor and its offset, or NULL for the file's own offset. */
typedef struct copy_end {
  int fd;
  off_t off, *at;
} copy_end;

/* Invariant: `at` points into the struct itself, so an end is set up in place, never copied. */
static void copy_end_init(copy_end *e, int fd, double off) {
  e->fd = fd;
  e->off = off < 0 ? 0 : (off_t)off;
  e->at = off < 0 ? NULL : &e->off;
}

/* FICLONERANGE: shares the blocks (btrfs, xfs); 0 when done, -errno otherwise. */
static int copy_clone(copy_end *in, copy_end *out, size_t len) {
  if (in->at == NULL || out->at == NULL) return -EINVAL;
  struct file_clone_range range = {in->fd, (uint64_t)in->off, len, (uint64_t)out->off};
  return ioctl(out->fd, FICLONERANGE, &range) == 0 ? 0 : -errno;
}

/* copy_file_range until len bytes or end of file; *done counts what was copied. 0 or -errno. */
static int copy_kernel(copy_end *in, copy_end *out, size_t len, size_t *done) {
  while (*done < len) {
    ssize_t n = copy_file_range(in->fd, in->at, out->fd, out->at, len - *done, 0);
    if (n < 0) return -errno;
    if (n == 0) break;
    *done += (size_t)n;
  }
  return 0;
}

static ssize_t read_at(copy_end *e, char *buf, size_t n) {
  ssize_t got = e->at ? pread(e->fd, buf, n, e->off) : read(e->fd, buf, n);
  if (got > 0 && e->at) e->off += got;
  return got;
}

static int write_all(copy_end *e, const char *buf, size_t n) {
  for (size_t put = 0; put < n;) {
    ssize_t w = e->at ? pwrite(e->fd, buf + put, n - put, e->off) : write(e->fd, buf + put, n - put);
    if (w < 0) return -errno;
    put += (size_t)w;
    if (e->at) e->off += w;
  }
  return 0;
}

/* The portable fallback: read and write through a buffer. 0 or -errno. */
static int copy_rw(copy_end *in, copy_end *out, size_t len, size_t *done) {
  char *buf = malloc(COPY_CHUNK);
  int rc = buf == NULL ? -ENOMEM : 0;
  while (rc == 0 && *done < len) {
    size_t want = len - *done < COPY_CHUNK ? len - *done : COPY_CHUNK;
    ssize_t got = read_at(in, buf, want);
    if (got <= 0) {
      rc = got < 0 ? -errno : 0;
      break;
    }
    rc = write_all(out, buf, (size_t)got);
    if (rc == 0) *done += (size_t)got;
  }
  free(buf);
  return rc;
}

/* Errors of copy_file_range that mean "not between these two", not "the copy failed". */
static int copy_unsupported(int rc) {
  return rc == -EXDEV || rc == -EINVAL || rc == -EOPNOTSUPP || rc == -ENOSYS;
}

/*
 * Invariant: copy_file_range refuses overlapping ranges of one file with EINVAL, and the
 * read/write fallback must not then smear them; offsets left to the descriptors are not
 * compared (the kernel's own check already ran on them).
 */
static int copy_overlaps(const copy_end *in, const copy_end *out, size_t len) {
  struct stat a, b;
  if (in->at == NULL || out->at == NULL || fstat(in->fd, &a) != 0 || fstat(out->fd, &b) != 0) return 0;
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino) return 0;
  return in->off < out->off + (off_t)len && out->off < in->off + (off_t)len;
}

/*
 * Copies up to `length` bytes: FICLONERANGE when asked, else copy_file_range, else a
 * read/write loop. The value is the bytes copied (fewer at end of file); an error after
 * some bytes were copied still reports the bytes.
 */
static double do_copy_range(ioaio_req *r) {
  copy_end in, out;
  copy_end_init(&in, r->u.in.p.fd, r->u.in.p.num[0]);
  copy_end_init(&out, r->u.in.p.int2, r->u.in.p.num[1]);
  size_t len = (size_t)r->u.in.p.num[2], done = 0;
  if (len == 0) return 0;
  if ((r->u.in.p.int1 & COPY_CLONE) && copy_clone(&in, &out, len) == 0) return (double)len;
  int rc = copy_kernel(&in, &out, len, &done);
  if (done == 0 && copy_unsupported(rc) && !copy_overlaps(&in, &out, len)) rc = copy_rw(&in, &out, len, &done);
  return done > 0 || rc == 0 ? (double)done : rc;
}

static loff_t *offset_or_null(loff_t *off, double value) {
  *off = (loff_t)value;
  return value < 0 ? NULL : off;
}

static double do_splice(ioaio_req *r) {
  loff_t in_off, out_off;
  loff_t *in_at = offset_or_null(&in_off, r->u.in.p.num[0]);
  loff_t *out_at = offset_or_null(&out_off, r->u.in.p.num[1]);
  size_t len = (size_t)r->u.in.p.num[2];
  return RESULT(splice(r->u.in.p.fd, in_at, r->u.in.p.int2, out_at, len, (unsigned)r->u.in.p.int1));
}

/* posix_fadvise returns the error instead of setting errno. */
static double do_fadvise(ioaio_req *r) {
  int rc = posix_fadvise(r->u.in.p.fd, (off_t)r->u.in.p.num[0], (off_t)r->u.in.p.num[1], r->u.in.p.int1);
  return rc == 0 ? 0 : -rc;
}

/*
 * IO::AIO::min_fdlimit: raises RLIMIT_NOFILE's soft limit to at least `n` (and the hard
 * limit too when it is lower, which needs privilege). The value is the soft limit now;
 * RLIM_INFINITY comes back as Infinity.
 */
static double do_min_fdlimit(ioaio_req *r) {
  struct rlimit lim;
  rlim_t want = (rlim_t)r->u.in.p.num[0];
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return -errno;
  if (lim.rlim_cur == RLIM_INFINITY || lim.rlim_cur >= want)
    return lim.rlim_cur == RLIM_INFINITY ? INFINITY : (double)lim.rlim_cur;
  lim.rlim_cur = want;
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < want) lim.rlim_max = want;
  return setrlimit(RLIMIT_NOFILE, &lim) == 0 ? (double)want : -errno;
}

double run_fd_request(ioaio_req *r) {
  switch (r->type) {
  case T_FIEMAP: return do_fiemap(r);
  case T_CLOSE_RESERVED: return do_close_reserved(r);
  case T_COPY_RANGE: return do_copy_range(r);
  case T_FCNTL: return RESULT(fcntl(r->u.in.p.fd, r->u.in.p.int1, (long)r->u.in.p.num[0]));
  case T_IOCTL: return RESULT(ioctl(r->u.in.p.fd, (unsigned long)r->u.in.p.num[0], (long)r->u.in.p.num[1]));
  case T_FADVISE: return do_fadvise(r);
  case T_SPLICE: return do_splice(r);
  case T_TEE: return RESULT(tee(r->u.in.p.fd, r->u.in.p.int2, (size_t)r->u.in.p.num[0], (unsigned)r->u.in.p.int1));
  case T_MLOCKALL: return RESULT(mlockall(r->u.in.p.int1));
  case T_MUNLOCKALL: return RESULT(munlockall());
  case T_MIN_FDLIMIT: return do_min_fdlimit(r);
  default: return run_mem_request(r);
  }
}
