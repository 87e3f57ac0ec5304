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

/*
 * Faults every page of the range in (IO::AIO's aio_mtouch), touching only bytes inside
 * the range: its first byte, then the first byte of each later page. With MT_MODIFY each
 * page is also dirtied, by an atomic add of zero: its bytes stay as they are even if
 * JavaScript writes them at the same moment.
 */
static double do_mtouch(ioaio_req *r) {
  uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  char *at = r->u.in.p.buf + (size_t)r->u.in.p.num[0];
  char *end = at + (size_t)r->u.in.p.num[1];
  int modify = r->u.in.p.int1 & MT_MODIFY;
  for (char *p = at; p < end; p = (char *)(((uintptr_t)p & ~(page - 1)) + page)) {
    if (modify) __atomic_fetch_add(p, 0, __ATOMIC_RELAXED);
    else (void)*(volatile char *)p;
  }
  return 0;
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
