import { aioError, invalidArgType, isAbortError } from './errors.js';
import { AioRequest, type RequestCallback, type RequestHost } from './request.js';
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

/**
 * A request that contains other requests. It finishes when it holds no
 * unfinished member and has no feeder, and resolves with the value given to
 * `result()`; member failures that no callback or `then` took make it reject
 * with an `AggregateError` of them, once every member is finished.
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
  /** Members added by `_addCleanup`: never cancelled, so what they release is released. */
  readonly #cleanups = new Set<GroupMember>();
  #feeder: (() => void) | null = null;
  #limit = 0;
  #feeding = false;
  #added = 0;
  #result: R | undefined = undefined;
  #errors: unknown[] = [];
  #failure: unknown = undefined;
  #controller: AbortController | null = null;

  /** @internal Made by `aio.group()` and the composite requests. */
  constructor(
    host: RequestHost,
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
      const cancellation = this._cancellation;
      if (cancellation !== undefined) this.#controller.abort((cancellation as Error).cause);
    }
    return this.#controller.signal;
  }

  /**
   * Adds members: requests, groups, or any promise-like. Returns the member,
   * or the members as an array. Adding to a finished group throws
   * `ERR_AIO_GROUP_FINISHED`; a member added to a cancelled group is cancelled.
   * @see IO::AIO GRP->add
   */
  add<M extends GroupMember>(member: M): M;
  add<M extends GroupMember[]>(...members: M): M;
  add(...members: GroupMember[]): GroupMember | GroupMember[] {
    if (this.state === 'result' || this.state === 'done') {
      throw aioError('ERR_AIO_GROUP_FINISHED', 'Cannot add to a group that has finished');
    }
    for (const member of members) {
      if (member instanceof AioRequest) {
        if (member === this) throw aioError('ERR_AIO_GROUP_CYCLE', 'A group cannot contain itself');
        if (member._group !== null)
          throw aioError('ERR_AIO_GROUP_MEMBER', 'The request already belongs to a group');
      } else if (!isPromiseLike(member)) {
        throw invalidArgType('member', 'an AioRequest, an AioGroup or a PromiseLike', member);
      }
    }
    for (const member of members) this.#adopt(member);
    this.#added += members.length;
    return members.length === 1 ? (members[0] as GroupMember) : members;
  }

  #adopt(member: GroupMember): void {
    if (member instanceof AioRequest) {
      if (member.state === 'done') return;
      member._group = this;
      this.#members.add(member);
      const cancellation = this._cancellation;
      if (cancellation !== undefined) member.cancel((cancellation as Error).cause);
      return;
    }
    this.#members.add(member);
    member.then(
      () => this._memberDone(member, null, true),
      (err: unknown) =>
        this._memberDone(member, err ?? new Error('A group member rejected without a reason'), false),
    );
  }

  /**
   * Sets the feeder: called synchronously, again and again, while the group
   * holds fewer than `limit` unfinished members. A call that adds nothing
   * removes it. Setting a feeder while the limit is 0 sets the limit to 2.
   * @see IO::AIO GRP->feed
   */
  feed(feeder: (() => void) | null): this {
    if (feeder !== null) validateFunction(feeder, 'feeder');
    if (this.state === 'result' || this.state === 'done' || this._cancellation !== undefined) return this;
    this.#feeder = feeder;
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
   * @internal For composites: the group will reject with `error` (the first
   * one given wins) and its remaining members are cancelled.
   */
  _fail(error: unknown): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    this.cancelSubs();
  }

  /**
   * @internal For composites: adds a request that must run even when the
   * group is cancelled (a close or unlink that releases what an earlier
   * step made, or a step whose effect must be seen to be undone, as copy's
   * creating open); the group waits for it, and neither `cancel()` nor
   * `cancelSubs()` cancels it.
   */
  _addCleanup(member: AioRequest<unknown>): void {
    if (this.state !== 'execute') return;
    member._group = this;
    this.#members.add(member);
    this.#cleanups.add(member);
  }

  /**
   * @internal For composites that pause with `limit(0)`: sets a feeder
   * without touching the limit.
   */
  _setFeeder(feeder: () => void): void {
    if (this.state !== 'execute' || this._cancellation !== undefined) return;
    this.#feeder = feeder;
    this.#pump();
    if (this.#feeder === null) this.#settleIfIdle();
  }

  /**
   * Cancels the members and the feeder, but lets the group finish normally.
   * @see IO::AIO GRP->cancel_subs
   */
  cancelSubs(reason?: unknown): void {
    this.#feeder = null;
    this.#cancelMembers(reason);
    this.#settleIfIdle();
  }

  /** @internal A cancelled group cancels its members and feeder and aborts its signal. */
  override _cancelExecuting(reason: unknown): void {
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

  /** The AbortError the group is cancelled with, if it is. */
  /** @internal A member finished (after its callback returned). */
  _memberDone(member: object, err: unknown, taken: boolean): void {
    if (!this.#members.delete(member as GroupMember)) return;
    if (this.#cleanups.size > 0) this.#cleanups.delete(member as GroupMember);
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
        if (this.#added === before) this.#feeder = null;
      }
    } catch (error) {
      // A feeder that throws fails the group, as an unobserved member failure would.
      this.#feeder = null;
      this.#errors.push(error);
    } finally {
      this.#feeding = false;
    }
  }

  #settleIfIdle(): void {
    if (this.#members.size > 0 || this.#feeder !== null || this.#feeding) return;
    if (this.state !== 'execute') return;
    const cancellation = this._cancellation;
    if (cancellation !== undefined) {
      this._deliver(cancellation, undefined);
    } else if (this.#failure !== undefined) {
      this._deliver(this.#failure, undefined);
    } else if (this.#errors.length > 0) {
      const errors = this.#errors;
      this.#errors = [];
      this._deliver(new AggregateError(errors, `${errors.length} member(s) of the group failed`), undefined);
    } else {
      this._deliver(null, this.#result);
    }
  }
}

// The engine's surface for composite requests: module functions, not exported from index.ts, so a
// user's editor never sees them. Composites call these, never group members by name.

/** The group will reject with `error` (the first one given wins); its remaining members are cancelled. */
export function failGroup(group: AioGroup<never> | AioGroup<unknown>, error: unknown): void {
  (group as AioGroup<unknown>)._fail(error);
}

/**
 * Adds a request that runs even when the group is cancelled (a close or unlink that releases what
 * an earlier step made); the group waits for it, and neither cancel() nor cancelSubs() cancels it.
 */
export function addCleanup(group: AioGroup<never> | AioGroup<unknown>, member: AioRequest<unknown>): void {
  (group as AioGroup<unknown>)._addCleanup(member);
}

/** Sets a feeder without touching the limit (for composites that pause with limit(0)). */
export function setFeeder(group: AioGroup<never> | AioGroup<unknown>, feeder: () => void): void {
  (group as AioGroup<unknown>)._setFeeder(feeder);
}
