/*
 * What a worker does with one request: one switch by type, each case one system call.
 * Runs without the pool lock; touches only the request it was given. Path requests run
 * the *at() call on `fd`, a directory descriptor or AT_FDCWD (IO::AIO's wd).
 */
#include "pool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>


static double ts_seconds(struct statx_timestamp t) { return (double)t.tv_sec; }

/* Fills the stat fields in the order Node's own binding uses (dev, mode, nlink, ...). */
static double do_statx(int dirfd, const char *path, int flags, double *st) {
  struct statx x;
  /* Platform: the same call and mask libuv makes, so every field equals fs.stat's. */
  if (statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_BTIME, &x) != 0) return -errno;
  st[0] = (double)makedev(x.stx_dev_major, x.stx_dev_minor);
  st[1] = x.stx_mode;
  st[2] = x.stx_nlink;
  st[3] = x.stx_uid;
  st[4] = x.stx_gid;
  st[5] = (double)makedev(x.stx_rdev_major, x.stx_rdev_minor);
  st[6] = x.stx_blksize;
  st[7] = (double)x.stx_ino;
  st[8] = (double)x.stx_size;
  st[9] = (double)x.stx_blocks;
  st[10] = ts_seconds(x.stx_atime), st[11] = x.stx_atime.tv_nsec;
  st[12] = ts_seconds(x.stx_mtime), st[13] = x.stx_mtime.tv_nsec;
  st[14] = ts_seconds(x.stx_ctime), st[15] = x.stx_ctime.tv_nsec;
  st[16] = ts_seconds(x.stx_btime), st[17] = x.stx_btime.tv_nsec;
  return 0;
}

/* Appends one entry: name length (u16), d_type (u8), inode (f64), name bytes. */
static int dir_append(char **data, size_t *len, size_t *cap, const struct dirent *e) {
  size_t name_len = strlen(e->d_name);
  size_t need = 2 + 1 + 8 + name_len;
  if (*len + need > *cap) {
    size_t bigger = *cap * 2 + need;
    char *grown = realloc(*data, bigger);
    if (grown == NULL) return -ENOMEM;
    *data = grown;
    *cap = bigger;
  }
  char *at = *data + *len;
  uint16_t n16 = (uint16_t)name_len;
  double ino = (double)e->d_ino;
  memcpy(at, &n16, 2);
  at[2] = (char)e->d_type;
  memcpy(at + 3, &ino, 8);
  memcpy(at + 11, e->d_name, name_len);
  *len += need;
  return 0;
}

static int is_dot_or_dotdot(const char *name) {
  return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* Opens the directory relative to the request's dirfd (AT_FDCWD for a plain path). */
static DIR *open_dir_at(int dirfd, const char *path, int oflags) {
  /* Perf: fdopendir costs two fcntl calls more than opendir; only a real dirfd or flags need it. */
  if (dirfd == AT_FDCWD && oflags == 0) return opendir(path);
  int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | oflags);
  if (fd < 0) return NULL;
  DIR *d = fdopendir(fd);
  if (d == NULL) {
    int err = errno;
    close(fd);
    errno = err;
  }
  return d;
}

#define READDIR_DIRS_FIRST 2 /* IO::AIO's flag numbers */
#define READDIR_STAT_ORDER 4
/*
 * Not IO::AIO's: a checked listing, for a tree walk that must not be redirected. The last
 * component is opened with O_NOFOLLOW (READDIR_NOFOLLOW); with READDIR_IDENTIFY, the listing
 * ends with two entries no directory can hold, "." and "..", whose inode fields carry the
 * directory's own inode and device, and when num[0] >= 0 the directory's ".." must be the
 * directory (device num[0], inode num[1]) it was listed in, else ENOENT: some component of
 * the path was swapped after that listing.
 */
#define READDIR_NOFOLLOW 0x100
#define READDIR_IDENTIFY 0x200

/* Where one packed entry starts, and the key it sorts by. */
typedef struct dir_key {
  int rank;   /* 0 for a directory when DIRS_FIRST, else 1 */
  double ino; /* 0 unless STAT_ORDER */
  size_t at;  /* the kernel's order breaks ties, so the sort is stable */
} dir_key;

static int dir_key_cmp(const void *a, const void *b) {
  const dir_key *x = a, *y = b;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
  return x->at < y->at ? -1 : x->at > y->at;
}

static size_t entry_bytes(const char *at) {
  uint16_t n16;
  memcpy(&n16, at, 2);
  return 11 + (size_t)n16;
}

/* The sort keys of every packed entry; *count receives how many. NULL when out of memory. */
static dir_key *dir_keys(const char *data, size_t len, int flags, size_t *count) {
  size_t n = 0, cap = 64;
  dir_key *keys = malloc(cap * sizeof *keys);
  for (size_t at = 0; keys != NULL && at < len; at += entry_bytes(data + at)) {
    if (n == cap) {
      dir_key *grown = realloc(keys, (cap *= 2) * sizeof *keys);
      if (grown == NULL) free(keys);
      keys = grown;
      if (keys == NULL) break;
    }
    double ino;
    memcpy(&ino, data + at + 3, 8);
    keys[n].rank = (flags & READDIR_DIRS_FIRST) && data[at + 2] == DT_DIR ? 0 : 1;
    keys[n].ino = (flags & READDIR_STAT_ORDER) ? ino : 0;
    keys[n++].at = at;
  }
  *count = n;
  return keys;
}

/*
 * Perf: IO::AIO's READDIR_STAT_ORDER. Stat'ing entries in inode order reads the inode
 * tables in one sweep on most file systems. Rewrites the packed listing in sorted order.
 */
static int dir_sort(char **data, size_t len, int flags) {
  size_t n = 0;
  dir_key *keys = dir_keys(*data, len, flags, &n);
  char *sorted = keys == NULL ? NULL : malloc(len ? len : 1);
  if (sorted == NULL) {
    free(keys);
    return -ENOMEM;
  }
  qsort(keys, n, sizeof *keys, dir_key_cmp);
  size_t out = 0;
  for (size_t i = 0; i < n; i++) {
    size_t bytes = entry_bytes(*data + keys[i].at);
    memcpy(sorted + out, *data + keys[i].at, bytes);
    out += bytes;
  }
  free(keys);
  free(*data);
  *data = sorted;
  return 0;
}

/* READDIR_IDENTIFY: checks the directory's parent, then appends its own identity to the listing. */
static int dir_identify(DIR *d, double parent_dev, double parent_ino, char **data, size_t *len, size_t *cap) {
  struct stat st;
  if (parent_dev >= 0) {
    if (fstatat(dirfd(d), "..", &st, AT_SYMLINK_NOFOLLOW) != 0) return -errno;
    if ((double)st.st_dev != parent_dev || (double)st.st_ino != parent_ino) return -ENOENT;
  }
  if (fstat(dirfd(d), &st) != 0) return -errno;
  struct dirent self = {0}, dev = {0};
  self.d_ino = st.st_ino;
  self.d_type = DT_DIR;
  strcpy(self.d_name, ".");
  dev.d_ino = (ino_t)st.st_dev;
  dev.d_type = DT_DIR;
  strcpy(dev.d_name, "..");
  int rc = dir_append(data, len, cap, &self);
  return rc != 0 ? rc : dir_append(data, len, cap, &dev);
}

static double do_readdir(ioaio_req *r) {
  /* Invariant: the parameters share memory with the result; read them all before it is written. */
  int flags = r->u.in.p.int1;
  double parent_dev = r->u.in.p.num[0], parent_ino = r->u.in.p.num[1];
  DIR *d = open_dir_at(r->u.in.p.fd, r->path, (flags & READDIR_NOFOLLOW) ? O_NOFOLLOW : 0);
  if (d == NULL) return -errno;
  size_t len = 0, cap = 4096;
  char *data = malloc(cap);
  int rc = data == NULL ? -ENOMEM : 0;
  struct dirent *e;
  errno = 0;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    if (!is_dot_or_dotdot(e->d_name)) rc = dir_append(&data, &len, &cap, e);
  }
  if (rc == 0 && errno != 0) rc = -errno;
  if (rc == 0 && (flags & (READDIR_DIRS_FIRST | READDIR_STAT_ORDER))) {
    rc = dir_sort(&data, len, flags);
    cap = len ? len : 1; /* the sorted copy is exactly as long as the listing */
  }
  if (rc == 0 && (flags & READDIR_IDENTIFY)) rc = dir_identify(d, parent_dev, parent_ino, &data, &len, &cap);
  closedir(d);
  if (rc != 0) {
    free(data);
    return rc;
  }
  r->u.dir.data = data;
  r->u.dir.len = len;
  return (double)len;
}

static double do_read(ioaio_req *r) {
  char *at = r->u.in.p.buf + (size_t)r->u.in.p.num[0];
  size_t len = (size_t)r->u.in.p.num[1];
  off_t pos = (off_t)r->u.in.p.num[2];
  return pos < 0 ? RESULT(read(r->u.in.p.fd, at, len)) : RESULT(pread(r->u.in.p.fd, at, len, pos));
}

static double do_write(ioaio_req *r) {
  const char *at = r->u.in.p.buf + (size_t)r->u.in.p.num[0];
  size_t len = (size_t)r->u.in.p.num[1];
  off_t pos = (off_t)r->u.in.p.num[2];
  return pos < 0 ? RESULT(write(r->u.in.p.fd, at, len)) : RESULT(pwrite(r->u.in.p.fd, at, len, pos));
}

static double do_sendfile(ioaio_req *r) {
  size_t count = (size_t)r->u.in.p.num[1];
  if (r->u.in.p.num[0] < 0) return RESULT(sendfile(r->u.in.p.fd, r->u.in.p.int2, NULL, count));
  off_t from = (off_t)r->u.in.p.num[0];
  return RESULT(sendfile(r->u.in.p.fd, r->u.in.p.int2, &from, count));
}

static void times_of(const ioaio_req *r, struct timespec ts[2]) {
  ts[0].tv_sec = (time_t)r->u.in.p.num[0];
  ts[0].tv_nsec = (long)r->u.in.p.num[1];
  ts[1].tv_sec = (time_t)r->u.in.p.num[2];
  ts[1].tv_nsec = (long)r->u.in.p.num[3];
}

static double do_utimensat(ioaio_req *r) {
  struct timespec ts[2];
  times_of(r, ts);
  return RESULT(utimensat(r->u.in.p.fd, r->path, ts, r->u.in.p.int1));
}

static double do_futimens(ioaio_req *r) {
  struct timespec ts[2];
  times_of(r, ts);
  return RESULT(futimens(r->u.in.p.fd, ts));
}

static double do_syncfs(ioaio_req *r) { return RESULT(syncfs(r->u.in.p.fd)); }

static double do_sync(void) {
  sync();
  return 0;
}

static double run_by_type(ioaio_req *r) {
  switch (r->type) {
  case T_NOP: return 0;
  case T_STAT: return do_statx(r->u.in.p.fd, r->path, AT_STATX_SYNC_AS_STAT | r->u.in.p.int1, r->u.st);
  case T_LSTAT: return do_statx(r->u.in.p.fd, r->path, AT_SYMLINK_NOFOLLOW | r->u.in.p.int1, r->u.st);
  case T_FSTAT: return do_statx(r->u.in.p.fd, "", AT_EMPTY_PATH, r->u.st);
  case T_OPEN: return RESULT(openat(r->u.in.p.fd, r->path, r->u.in.p.int1 | O_CLOEXEC, r->u.in.p.int2));
  case T_CLOSE: return RESULT(close(r->u.in.p.fd));
  case T_READ: return do_read(r);
  case T_WRITE: return do_write(r);
  case T_READDIR: return do_readdir(r);
  case T_LSEEK: return RESULT(lseek(r->u.in.p.fd, (off_t)r->u.in.p.num[0], r->u.in.p.int1));
  case T_FALLOCATE: return RESULT(fallocate(r->u.in.p.fd, r->u.in.p.int1, (off_t)r->u.in.p.num[0], (off_t)r->u.in.p.num[1]));
  case T_RENAME2: return RESULT(renameat2(r->u.in.p.fd, r->path, r->u.in.p.int2, r->path2, (unsigned)r->u.in.p.int1));
  case T_SYNC: return do_sync();
  case T_SYNCFS: return do_syncfs(r);
  case T_FSYNC: return RESULT(fsync(r->u.in.p.fd));
  case T_FDATASYNC: return RESULT(fdatasync(r->u.in.p.fd));
  case T_SYNC_FILE_RANGE:
    return RESULT(sync_file_range(r->u.in.p.fd, (off_t)r->u.in.p.num[0], (off_t)r->u.in.p.num[1], (unsigned)r->u.in.p.int1));
  case T_READAHEAD: return RESULT(readahead(r->u.in.p.fd, (off_t)r->u.in.p.num[0], (size_t)r->u.in.p.num[1]));
  case T_SENDFILE: return do_sendfile(r);
  case T_UTIMENSAT: return do_utimensat(r);
  case T_FUTIMENS: return do_futimens(r);
  case T_MKNOD: return RESULT(mknodat(r->u.in.p.fd, r->path, (mode_t)r->u.in.p.int1, (dev_t)r->u.in.p.num[0]));
  case T_UNLINK: return RESULT(unlinkat(r->u.in.p.fd, r->path, r->u.in.p.int1));
  case T_MKDIR: return RESULT(mkdirat(r->u.in.p.fd, r->path, (mode_t)r->u.in.p.int1));
  case T_RMDIR: return RESULT(unlinkat(r->u.in.p.fd, r->path, AT_REMOVEDIR));
  default: return run_fd_request(r);
  }
}

void req_run(ioaio_req *r) { r->result = run_by_type(r); }

/* Invariant: dir.data is set exactly when such a request succeeded (result starts at -ECANCELED). */
int req_has_blob(const ioaio_req *r) {
  return (r->type == T_READDIR || r->type == T_FIEMAP) && r->result >= 0;
}

void req_free_parts(ioaio_req *r) {
  if (r->path != r->u.in.inline_path) free(r->path);
  free(r->path2);
  if (req_has_blob(r)) free(r->u.dir.data);
  /* The number an aio_close-style close kept taken is released with its request. */
  if (r->type == T_CLOSE_RESERVED && r->u.in.p.int1 == CLOSE_NUMBER_HELD) {
    close(r->u.in.p.fd);
    r->u.in.p.int1 = 0;
  }
  r->path = r->path2 = NULL;
}
