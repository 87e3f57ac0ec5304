import { constants, type Stats } from 'node:fs';
import { aioError } from '../errors.js';
import { composite } from '../catalogue/operation.js';
import type { AioContext } from '../context.js';
import type { AioGroup, GroupOptions } from '../group.js';
import { type PathLike, validatePath } from '../validate.js';
import type { PathBytes } from './path.js';

export interface CopyArgs {
  src: PathBytes;
  dst: PathBytes;
}

const kCreateFlags = constants.O_CREAT | constants.O_WRONLY | constants.O_TRUNC;
/** The destination is created writable by its owner alone until the copy is complete. */
const kCreateMode = 0o200;

function prepareCopy(src: PathLike, dst: PathLike): CopyArgs {
  return { src: validatePath(src, 'src'), dst: validatePath(dst, 'dst') };
}

/**
 * open src, fstat, create dst (mode 0o200), copy the data, then restore
 * times, mode and owner through the open dst. On any failure or
 * cancellation the descriptors are closed and a created dst is removed; the
 * group waits for that clean-up before it settles.
 */
export function startCopy(aio: AioContext, a: CopyArgs, group: AioGroup<void>): void {
  const priority = group.priority;
  let srcFd = -1;
  let dstFd = -1;
  let created = false;

  const cleanUp = (error: unknown): void => {
    if (srcFd >= 0) group._addCleanup(aio.close(srcFd, { priority, callback: () => {} }));
    if (dstFd >= 0) group._addCleanup(aio.close(dstFd, { priority, callback: () => {} }));
    if (created) group._addCleanup(aio.unlink(a.dst, { priority, callback: () => {} }));
    srcFd = dstFd = -1;
    created = false;
    group._fail(error);
  };

  const finishMetadata = (st: Stats): void => {
    const fd = dstFd;
    const step = (next: () => void) => (err: NodeJS.ErrnoException | null) => (err === null ? next() : cleanUp(err));
    group.add(
      aio.utime(fd, st.atimeMs / 1000, st.mtimeMs / 1000, {
        priority,
        callback: step(() =>
          group.add(
            aio.chmod(fd, st.mode & 0o7777, {
              priority,
              callback: step(() =>
                group.add(
                  aio.chown(fd, st.uid, st.gid, {
                    priority,
                    // Invariant: like IO::AIO, an owner that cannot be kept (EPERM as non-root) is not an error.
                    callback: () => {
                      dstFd = -1;
                      created = false;
                      group.add(aio.close(fd, { priority, callback: (err) => err !== null && group._fail(err) }));
                    },
                  }),
                ),
              ),
            }),
          ),
        ),
      }),
    );
  };

  group.add(
    aio.open(a.src, 'r', 0, {
      priority,
      callback: (err, fd) => {
        if (err !== null) return cleanUp(err);
        srcFd = fd;
        group.add(
          aio.stat(fd, {
            priority,
            callback: (serr, st) => {
              if (serr !== null) return cleanUp(serr);
              group.add(
                aio.open(a.dst, kCreateFlags, kCreateMode, {
                  priority,
                  callback: (oerr, out) => {
                    if (oerr !== null) return cleanUp(oerr);
                    dstFd = out;
                    created = true;
                    group.add(
                      aio.sendfile(out, fd, 0, st.size, {
                        priority,
                        callback: (cerr, sent) => {
                          if (cerr !== null) return cleanUp(cerr);
                          if (sent !== st.size) {
                            return cleanUp(
                              aioError('ERR_AIO_SHORT_COPY', `Copied ${sent} of ${st.size} bytes: the source changed`),
                            );
                          }
                          group.add(aio.close(fd, { priority, callback: () => {} }));
                          srcFd = -1;
                          finishMetadata(st);
                        },
                      }),
                    );
                  },
                }),
              );
            },
          }),
        );
      },
    }),
  );
}

export const copyOperation = composite({
  perl: 'aio_copy',
  syscall: 'copyfile',
  optsIndex: 2,
  prepare: (src: PathLike, dst: PathLike, _options?: GroupOptions<void>): CopyArgs => prepareCopy(src, dst),
  start: startCopy,
});

export const moveOperation = composite({
  perl: 'aio_move',
  syscall: 'rename',
  optsIndex: 2,
  prepare: (src: PathLike, dst: PathLike, _options?: GroupOptions<void>): CopyArgs => prepareCopy(src, dst),
  start: (aio: AioContext, a: CopyArgs, group: AioGroup<void>) => {
    const priority = group.priority;
    group.add(
      aio.rename(a.src, a.dst, {
        priority,
        callback: (err) => {
          if (err === null) return;
          if (err.code !== 'EXDEV') return group._fail(err);
          // Another file system: copy, and remove the source only once the copy is complete.
          group.add(
            aio.copy(a.src, a.dst, {
              priority,
              callback: (cerr) => {
                if (cerr !== null) return group._fail(cerr);
                group.add(aio.unlink(a.src, { priority, callback: (uerr) => uerr !== null && group._fail(uerr) }));
              },
            }),
          );
        },
      }),
    );
  },
});
