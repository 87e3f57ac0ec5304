/*
 * What a worker does with the requests on descriptors that node:fs has no call for:
 * fiemap and the ones after it. As in ops.c: no pool lock, only the request it was given.
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

double run_fd_request(ioaio_req *r) {
  switch (r->type) {
  case T_FIEMAP: return do_fiemap(r);
  case T_CLOSE_RESERVED: return do_close_reserved(r);
  default: return -ENOSYS;
  }
}
