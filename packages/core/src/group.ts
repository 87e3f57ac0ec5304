import {
  groupCycle,
  groupFailure,
  groupFinished,
  groupMember,
  invalidArgType,
  isAbortError,
  rejectedWithoutReason,
} from './errors.js';
import {
  AioRequest,
  cancellationReason,
  commitRequest,
  groupOf,
  type RequestCallback,
  reopenRequest,
  setGroupHooks,
  setGroupOf,
  settleCancelled,
  settleRequest,
} from './request.js';
import type { Scheduler } from './scheduler.js';
import { validateFunction, validateInteger } from './validate.js';

/** Options of `aio.group()`. */
export interface GroupOptions<R = unknown> {
  /** The group's priority, for the members made with `{ priority: grp.priority }`. @default 0 */
  priority?: number | undefined;
  /** Cancels the group (and so every member) when aborted. */
  signal?: AbortSignal | undefined;
  /** Called with `(err, result)` once the group is finished. */
  callback?: RequestCallback<R> | undefined;
}

/** What a group holds: requests, groups, or any promise-like. */
export type GroupMember = AioRequest<unknown> | PromiseLike<unknown>;

const kMaxLimit = 2 ** 31 - 1;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

// Handed out by the class's static block: module functions over its private members.
let applyMemberDone: (group: AioGroup<unknown>, member: GroupMember, err: unknown, taken: boolean) => void;
let applyCancel: (group: AioGroup<unknown>, reason: unknown) => void;
let fail: (group: AioGroup<unknown>, error: unknown) => void;
let cleanup: (group: AioGroup<unknown>, member: AioRequest<unknown>) => void;
let composerFeeder: (group: AioGroup<unknown>, feeder: () => void) => void;
let commit: (group: AioGroup<unknown>) => boolean;
let commitFollowerOf: (group: AioGroup<unknown>) => AioGroup<unknown> | null;
let reopen: (group: AioGroup<unknown>) => void;
let setCommitFollower: (group: AioGroup<unknown>, follower: AioGroup<unknown>) => void;

/**
 * A request that contains other requests. It finishes when it holds no
 * unfinished member, no feeder and no unreleased hold, and resolves with the
 * value given to `result()`; member failures that no callback or `then` took
 * make it reject with an `AggregateError` of them, once every member is
 * finished. Settling and cancelling walk nested groups with a work list, so
 * any depth of nesting is safe.
 *
 * @example
 * const grp = aio.group<number>();
 * grp.limit(4).feed(() => {
 *   const file = files.pop();
 *   if (file !== undefined) grp.add(aio.stat(file, { callback: (err, st) => { total += st.size } }));
 * });
 * await grp;
 * @see IO::AIO aio_group
 */
export class AioGroup<R = undefined> extends AioRequest<R> {
  readonly #members = new Set<GroupMember>();
  /** Members added by `addCleanup`: never cancelled, so what they release is released. */
  readonly #cleanups = new Set<GroupMember>();
  #feeder: (() => void) | null = null;
  /** The feeder was set by a composite: a call that adds nothing removes it only once no member is left. */
  #feederStays = false;
  #limit = 0;
  #feeding = false;
  #added = 0;
  #holds = 0;
  #result: R | undefined = undefined;
  #errors: unknown[] = [];
  #failure: unknown = undefined;
  #controller: AbortController | null = null;
  /** Past its commit point: nothing but a failure of its own steps cancels its members. */
  #committed = false;
  /** A group that commits when this one does (a move whose copy reached its rename). */
  #commitFollower: AioGroup<unknown> | null = null;

  static {
    setGroupHooks({
      memberDone: (group, member, err, taken) => memberDone(group as AioGroup<unknown>, member, err, taken),
      cancelExecuting: (group, reason) => cancelGroup(group as AioGroup<unknown>, reason),
    });
    applyMemberDone = (group, member, err, taken) => group.#memberDone(member, err, taken);
    applyCancel = (group, reason) => group.#cancelExecuting(reason);
    fail = (group, error) => group.#fail(error);
    cleanup = (group, member) => group.#addCleanup(member);
    composerFeeder = (group, feeder) => group.#setComposerFeeder(feeder);
    commit = (group) => group.#commit();
    commitFollowerOf = (group) => group.#commitFollower;
    reopen = (group) => {
      group.#committed = false;
      reopenRequest(group);
    };
    setCommitFollower = (group, follower) => {
      group.#commitFollower = follower;
    };
  }

  /**
   * Made by `aio.group()` and the composite requests, never by users.
   * @param host The scheduler of the context the group belongs to.
   */
  constructor(
    host: Scheduler,
    priority: number,
    callback: RequestCallback<R> | null,
    signal: AbortSignal | null,
  ) {
    super(host, null, undefined, priority, callback, signal);
    // An empty group finishes on the next turn, so members can be added synchronously.
    setImmediate(() => this.#settleIfIdle());
  }

  /** Unfinished members. */
  get size(): number {
    return this.#members.size;
  }

  /** Aborted when the group is cancelled, for requests made inside a member. */
  get signal(): AbortSignal {
    if (this.#controller === null) {
      this.#controller = new AbortController();
      if (this.cancelled) this.#controller.abort(cancellationReason(this));
    }
    return this.#controller.signal;
  }

  /**
   * Adds members: requests, groups, or any promise-like. Returns the member,
   * or the members as an array. Adding to a finished group throws
   * `ERR_AIO_GROUP_FINISHED`; adding the group itself, or a group it is
   * (transitively) a member of, throws `ERR_AIO_GROUP_CYCLE`; a request that
   * belongs to another group, `ERR_AIO_GROUP_MEMBER`. Nothing is added when
   * one of them throws. A member added to a cancelled group is cancelled.
   * @see IO::AIO GRP->add
   */
  add<M extends GroupMember>(member: M): M;
  add<M extends GroupMember[]>(...members: M): M;
  add(...members: GroupMember[]): GroupMember | GroupMember[] {
    if (this.#finished()) throw groupFinished();
    for (const member of members) this.#check(member);
    for (const member of members) this.#adopt(member);
    this.#added += members.length;
    return members.length === 1 ? (members[0] as GroupMember) : members;
  }

  #finished(): boolean {
    const state = this.state;
    return state === 'result' || state === 'done';
  }

  #check(member: GroupMember): void {
    if (!(member instanceof AioRequest)) {
      if (!isPromiseLike(member)) {
        throw invalidArgType('member', 'an AioRequest, an AioGroup or a PromiseLike', member);
      }
      return;
    }
    if (member === this || (member instanceof AioGroup && member.#contains(this))) throw groupCycle();
    if (groupOf(member) !== null) throw groupMember();
  }

  /** True when `req` is a member of this group or of one of its members, at any depth. */
  #contains(req: AioRequest<unknown>): boolean {
    // Perf: an empty group contains nothing, so building a deep nest top-down walks no chain.
    if (this.#members.size === 0) return false;
    for (let group = groupOf(req); group !== null; group = groupOf(group)) {
      if (group === this) return true;
    }
    return false;
  }

  #adopt(member: GroupMember): void {
    if (!(member instanceof AioRequest)) {
      this.#members.add(member);
      member.then(
        () => memberDone(this as AioGroup<unknown>, member, null, true),
        (err: unknown) =>
          memberDone(this as AioGroup<unknown>, member, err ?? rejectedWithoutReason(), false),
      );
      return;
    }
    if (member.state === 'done') return;
    setGroupOf(member, this as AioGroup<unknown>);
    this.#members.add(member);
    if (this.cancelled) member.cancel(cancellationReason(this));
  }

  /**
   * Keeps the group from finishing, even empty, until the returned release
   * is called: for members that are still being prepared. Releasing twice
   * is harmless; a cancelled group finishes whatever holds remain. Throws
   * `ERR_AIO_GROUP_FINISHED` on a finished group.
   *
   * @example
   * const release = grp.hold();
   * const names = await fs.promises.readFile(listFile, 'utf8');  // the group waits
   * for (const name of names.split('\n')) grp.add(aio.unlink(name));
   * release();                                                   // now it may finish
   */
  hold(): () => void {
    if (this.#finished()) throw groupFinished();
    this.#holds++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.#holds--;
      this.#settleIfIdle();
    };
  }

  /**
   * Sets the feeder: called synchronously, again and again, while the group
   * holds fewer than `limit` unfinished members. A call that adds nothing
   * removes it. Setting a feeder while the limit is 0 sets the limit to 2.
   * @see IO::AIO GRP->feed
   */
  feed(feeder: (() => void) | null): this {
    if (feeder !== null) validateFunction(feeder, 'feeder');
    if (this.#finished() || this.cancelled) return this;
    this.#feeder = feeder;
    this.#feederStays = false;
    if (feeder !== null && this.#limit === 0) this.#limit = 2;
    this.#pump();
    this.#settleIfIdle();
    return this;
  }

  /**
   * Sets how many unfinished members the feeder keeps; 0 pauses feeding and
   * raising it resumes.
   * @default 0
   * @see IO::AIO GRP->limit
   */
  limit(limit: number): this {
    this.#limit = validateInteger(limit, 'limit', 0, kMaxLimit);
    const feeder = this.#feeder;
    this.#pump();
    // A resumed feeder that added nothing was removed: the group may have nothing left to wait for.
    if (feeder !== null && this.#feeder === null) this.#settleIfIdle();
    return this;
  }

  /**
   * Sets what the group resolves with.
   * @see IO::AIO GRP->result
   */
  result(value: R): this {
    this.#result = value;
    return this;
  }

  /** The current limit (0: feeding paused). */
  get currentLimit(): number {
    return this.#limit;
  }

  /**
   * Cancels the members and the feeder, but lets the group finish normally.
   * @see IO::AIO GRP->cancel_subs
   */
  cancelSubs(reason?: unknown): void {
    // A composite past its commit point finishes what it issued (see commitGroup).
    if (this.#committed) return;
    this.#stopMembers(reason);
  }

  #stopMembers(reason?: unknown): void {
    this.#feeder = null;
    this.#cancelMembers(reason);
    this.#settleIfIdle();
  }

  #fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.#stopMembers();
  }

  /** Commits this group unless it is cancelled or finished; true when it is committed. */
  #commit(): boolean {
    if (!this.#committed) this.#committed = commitRequest(this as AioGroup<unknown>);
    return this.#committed;
  }

  #addCleanup(member: AioRequest<unknown>): void {
    if (this.state !== 'execute' || member.state === 'done') return;
    setGroupOf(member, this as AioGroup<unknown>);
    this.#members.add(member);
    this.#cleanups.add(member);
  }

  #setComposerFeeder(feeder: () => void): void {
    if (this.state !== 'execute' || this.cancelled || this.#failure !== undefined) return;
    this.#feeder = feeder;
    this.#feederStays = true;
    this.#pump();
    this.#settleIfIdle();
  }

  /** One step of a cancellation: the group's own feeder, signal and members (nested groups queue theirs). */
  #cancelExecuting(reason: unknown): void {
    this.#feeder = null;
    this.#controller?.abort(reason);
    this.#cancelMembers(reason);
    // Settled on a microtask, not here: a composite cancelled from inside its own call (user code
    // in a signal listener) may still be adding its first steps, which are then cancelled as added.
    queueMicrotask(() => this.#settleIfIdle());
  }

  #cancelMembers(reason: unknown): void {
    for (const member of [...this.#members]) {
      // Invariant: a clean-up is never cancelled; a queued close must still close its fd.
      if (this.#cleanups.has(member)) continue;
      if (member instanceof AioRequest) member.cancel(reason);
      // Invariant: a plain promise cannot be cancelled; the group stops waiting for it.
      else this.#members.delete(member);
    }
  }

  /** One step of a completion: a member finished (after its callback returned). */
  #memberDone(member: GroupMember, err: unknown, taken: boolean): void {
    if (!this.#members.delete(member)) return;
    if (this.#cleanups.size > 0) this.#cleanups.delete(member);
    if (err !== null && !taken && !isAbortError(err)) this.#errors.push(err);
    this.#pump();
    this.#settleIfIdle();
  }

  #pump(): void {
    if (this.#feeding) return;
    this.#feeding = true;
    try {
      while (this.#feeder !== null && this.#members.size < this.#limit) {
        const before = this.#added;
        this.#feeder();
        if (this.#added === before) {
          this.#feederAddedNothing();
          break;
        }
      }
    } catch (error) {
      // A feeder that throws fails the group, as an unobserved member failure would.
      this.#feeder = null;
      this.#errors.push(error);
    } finally {
      this.#feeding = false;
    }
  }

  /** IO::AIO's rule drops the feeder; a composite's stays while members may bring more work. */
  #feederAddedNothing(): void {
    if (!this.#feederStays || this.#members.size === 0) this.#feeder = null;
  }

  #settleIfIdle(): void {
    if (this.state !== 'execute') return;
    if (this.#members.size > 0 || this.#feeder !== null || this.#feeding) return;
    const cancelled = this.cancelled;
    if (this.#holds > 0 && !cancelled) return;
    if (cancelled) {
      settleCancelled(this as AioGroup<unknown>);
    } else if (this.#failure !== undefined) {
      settleRequest(this as AioGroup<unknown>, this.#failure, undefined);
    } else if (this.#errors.length > 0) {
      const errors = this.#errors;
      this.#errors = [];
      settleRequest(this as AioGroup<unknown>, groupFailure(errors), undefined);
    } else {
      settleRequest(this as AioGroup<unknown>, null, this.#result);
    }
  }
}

type AnyGroup = AioGroup<never> | AioGroup<unknown>;

// Invariant: settling and cancelling never recurse with the nesting depth. A group that finishes
// inside another group's step (its last member finished, or it was cancelled) queues its parent's
// step here; the outermost call runs the queue to the end.

/** Completions still to apply, four slots each: group, member, error, taken. */
const completions: unknown[] = [];
let completing = false;

function memberDone(group: AioGroup<unknown>, member: GroupMember, err: unknown, taken: boolean): void {
  completions.push(group, member, err, taken);
  if (completing) return;
  completing = true;
  try {
    for (let i = 0; i < completions.length; i += 4) {
      applyMemberDone(
        completions[i] as AioGroup<unknown>,
        completions[i + 1] as GroupMember,
        completions[i + 2],
        completions[i + 3] as boolean,
      );
    }
  } finally {
    completions.length = 0;
    completing = false;
  }
}

/** Cancellations still to apply, two slots each: group, reason. */
const cancellations: unknown[] = [];
let cancelling = false;

function cancelGroup(group: AioGroup<unknown>, reason: unknown): void {
  cancellations.push(group, reason);
  if (cancelling) return;
  cancelling = true;
  try {
    for (let i = 0; i < cancellations.length; i += 2) {
      applyCancel(cancellations[i] as AioGroup<unknown>, cancellations[i + 1]);
    }
  } finally {
    cancellations.length = 0;
    cancelling = false;
  }
}

// The engine's surface for composite requests: module functions, not exported from index.ts, so a
// user's editor never sees them. Composites call these, never group members by name.

/** The group will reject with `error` (the first one given wins); its remaining members are cancelled. */
export function failGroup(group: AnyGroup, error: unknown): void {
  fail(group as AioGroup<unknown>, error);
}

/**
 * Adds a request that runs even when the group is cancelled (a close or unlink that releases what
 * an earlier step made); the group waits for it, and neither cancel() nor cancelSubs() cancels it.
 */
export function addCleanup(group: AnyGroup, member: AioRequest<unknown>): void {
  cleanup(group as AioGroup<unknown>, member);
}

/**
 * Sets a feeder without touching the limit (for composites that pause with limit(0)). Unlike
 * `feed()`, a call that adds nothing keeps it while the group has unfinished members (their
 * callbacks may bring more work); it goes once a call adds nothing and no member is left, or when
 * the group is cancelled or failed. Setting it again (when there is new work) is harmless.
 */
export function setFeeder(group: AnyGroup, feeder: () => void): void {
  composerFeeder(group as AioGroup<unknown>, feeder);
}

/**
 * The commit point of a composite: called right before the step that makes its change visible (copy's
 * final rename). From then on cancel(), cancelSubs(), an aborted signal and a cancelled parent
 * group leave the group and its members alone, and it settles with its real outcome, so a caller
 * is never told "aborted" about a change that was made. A group that follows it (see
 * {@link followCommit}) commits too. A group that is already cancelled is not committed: returns
 * false, and the composite must not make the change.
 */
export function commitGroup(group: AnyGroup): boolean {
  const first = group as AioGroup<unknown>;
  if (!commit(first)) return false;
  // Invariant: the chain is walked with a loop, never recursion, as settling is.
  for (let next = commitFollowerOf(first); next !== null && commit(next); ) next = commitFollowerOf(next);
  return true;
}

/**
 * Makes `follower` commit when `group` does: a move that falls back to a copy commits when the copy
 * reaches its rename, as the rename is then the move's own commit point.
 */
export function followCommit(group: AnyGroup, follower: AnyGroup): void {
  setCommitFollower(group as AioGroup<unknown>, follower as AioGroup<unknown>);
}

/**
 * Undoes {@link commitGroup} when the step it guarded made no change (a move's rename that gave
 * EXDEV, before it falls back to a copy): a cancel that arrived meanwhile takes effect now.
 */
export function reopenGroup(group: AnyGroup): void {
  reopen(group as AioGroup<unknown>);
}
