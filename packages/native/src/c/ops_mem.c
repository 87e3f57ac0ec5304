/*
 * What a worker does with the requests on caller memory: msync, mtouch, mlock, munlock
 * and madvise over [offset, offset + length) of a buffer JavaScript keeps alive until
 * delivery (usually one made by mmap). The range is widened to whole pages, as libeio does.
 */
#include "pool.h"

#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#define MT_MODIFY 1 /* IO::AIO::MT_MODIFY: touch for writing */

typedef struct page_range {
  char *start;
  size_t len;
} page_range;

static page_range pages_of(const ioaio_req *r) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  uintptr_t at = (uintptr_t)(r->u.in.p.buf + (size_t)r->u.in.p.num[0]);
  uintptr_t start = at & ~(page - 1);
  page_range range = {(char *)start, (size_t)r->u.in.p.num[1] + (at - start)};
  return range;
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Platform: Linux 5.14; older kernels answer EINVAL */
#define MADV_POPULATE_WRITE 23
#endif

/*
 * The fallback for kernels without MADV_POPULATE_*: touches only bytes inside the range
 * (its first byte, then the first byte of each later page). With MT_MODIFY each page is
 * dirtied by an atomic add of zero, so its bytes stay as they are even if JavaScript writes
 * them at the same moment. A page the mapping forbids kills the process, as in Perl.
 */
static double touch_by_hand(ioaio_req *r, int modify) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  char *at = r->u.in.p.buf + (size_t)r->u.in.p.num[0];
  char *end = at + (size_t)r->u.in.p.num[1];
  for (char *p = at; p < end; p = (char *)(((uintptr_t)p & ~(page - 1)) + page)) {
    if (modify) __atomic_fetch_add(p, 0, __ATOMIC_RELAXED);
    else (void)*(volatile char *)p;
  }
  return 0;
}

/*
 * Whether the kernel has MADV_POPULATE_* (Linux 5.14), asked once, on a page known to be
 * readable (the request's own): its EINVAL cannot be told from "not allowed on this range".
 */
static int populate_supported(const void *readable) {
  static int known; /* 0 not asked yet, 1 yes, 2 no; a race only asks twice */
  int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
  if (k == 0) {
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    void *start = (void *)((uintptr_t)readable & ~(page - 1));
    k = madvise(start, page, MADV_POPULATE_READ) == 0 || errno != EINVAL ? 1 : 2;
    __atomic_store_n(&known, k, __ATOMIC_RELAXED);
  }
  return k == 1;
}

/*
 * IO::AIO's aio_mtouch: faults every page of the range in (MT_MODIFY: for writing, which
 * dirties it). The kernel does it with MADV_POPULATE_READ/WRITE, which fails where touching
 * by hand would kill the process: EINVAL for pages the mapping forbids, EFAULT for pages
 * past the end of the mapped file.
 */
static double do_mtouch(ioaio_req *r) {
  page_range range = pages_of(r);
  int modify = r->u.in.p.int1 & MT_MODIFY;
  if (range.len == 0) return 0;
  if (!populate_supported(r)) return touch_by_hand(r, modify);
  return RESULT(madvise(range.start, range.len, modify ? MADV_POPULATE_WRITE : MADV_POPULATE_READ));
}

double run_mem_request(ioaio_req *r) {
  page_range range;
  switch (r->type) {
  case T_MSYNC: range = pages_of(r); return RESULT(msync(range.start, range.len, r->u.in.p.int1));
  case T_MTOUCH: return do_mtouch(r);
  case T_MLOCK: range = pages_of(r); return RESULT(mlock(range.start, range.len));
  case T_MUNLOCK: range = pages_of(r); return RESULT(munlock(range.start, range.len));
  case T_MADVISE: range = pages_of(r); return RESULT(madvise(range.start, range.len, r->u.in.p.int1));
  default: return -ENOSYS;
  }
}
