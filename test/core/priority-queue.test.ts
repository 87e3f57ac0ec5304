import { describe, expect, test } from 'vitest';
import { PriorityQueue, QueueEntry } from '../../packages/core/src/priority-queue.js';

class Entry extends QueueEntry {
  constructor(
    readonly id: string,
    readonly priority: number,
  ) {
    super();
  }
}

function entry(id: string, priority: number): Entry {
  return new Entry(id, priority);
}

function queueOf(entries: Entry[]): PriorityQueue<Entry> {
  const queue = new PriorityQueue<Entry>();
  for (const e of entries) queue.push(e, e.priority);
  return queue;
}

function drain(queue: PriorityQueue<Entry>): string[] {
  const ids: string[] = [];
  for (let e = queue.shift(); e !== null; e = queue.shift()) ids.push(e.id);
  return ids;
}

describe('PriorityQueue', () => {
  test('an empty queue shifts null', () => {
    const queue = new PriorityQueue<Entry>();
    expect([queue.shift(), queue.shift()]).toEqual([null, null]);
  });

  test('first in, first out within one level', () => {
    const queue = queueOf(['a', 'b', 'c', 'd'].map((id) => entry(id, 0)));
    expect(drain(queue)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('highest priority first, across all nine levels pushed in any order', () => {
    const entries = [0, -4, 4, 2, -1, 3, 1, -3, -2, 4, -4, 0].map((p, i) => entry(`${p}:${i}`, p));
    expect(drain(queueOf(entries))).toEqual([
      '4:2',
      '4:9',
      '3:5',
      '2:3',
      '1:6',
      '0:0',
      '0:11',
      '-1:4',
      '-2:8',
      '-3:7',
      '-4:1',
      '-4:10',
    ]);
  });

  test('a level pushed to after it was emptied is found again', () => {
    const queue = queueOf([entry('a', 3), entry('b', 1)]);
    expect(queue.shift()?.id).toBe('a');
    queue.push(entry('c', 3), 3);
    queue.push(entry('d', 1), 1);
    expect(drain(queue)).toEqual(['c', 'b', 'd']);
  });

  describe('remove', () => {
    const ids = ['a', 'b', 'c', 'd'];

    test.each([
      ['head', 'a', ['b', 'c', 'd']],
      ['middle', 'c', ['a', 'b', 'd']],
      ['tail', 'd', ['a', 'b', 'c']],
    ])('from the %s keeps the others in order', (_where, id, rest) => {
      const entries = ids.map((i) => entry(i, -2));
      const queue = queueOf([entry('high', 2), ...entries, entry('low', -3)]);
      queue.remove(entries[ids.indexOf(id)] as Entry, -2);
      expect(drain(queue)).toEqual(['high', ...rest, 'low']);
    });

    test('of a tail, then a push, appends after the new tail', () => {
      const entries = ids.map((i) => entry(i, 0));
      const queue = queueOf(entries);
      queue.remove(entries[3] as Entry, 0);
      queue.push(entry('e', 0), 0);
      expect(drain(queue)).toEqual(['a', 'b', 'c', 'e']);
    });

    test('of the only entry of a level leaves the lower levels reachable', () => {
      const only = entry('only', 4);
      const queue = queueOf([only, entry('x', 0), entry('y', -4)]);
      queue.remove(only, 4);
      expect(drain(queue)).toEqual(['x', 'y']);
    });

    test('unlinks the entry, so it can be queued again', () => {
      const entries = ids.map((i) => entry(i, 1));
      const queue = queueOf(entries);
      const b = entries[1] as Entry;
      queue.remove(b, 1);
      queue.push(b, 1);
      expect(drain(queue)).toEqual(['a', 'c', 'd', 'b']);
      // Its old neighbours kept no link to it: pushed once more alone, it is alone.
      queue.push(b, 1);
      expect(drain(queue)).toEqual(['b']);
    });

    test('of every entry empties the queue', () => {
      const entries = ids.map((i, n) => entry(i, n - 2));
      const queue = queueOf(entries);
      for (const e of [entries[2], entries[0], entries[3], entries[1]] as Entry[])
        queue.remove(e, e.priority);
      expect(queue.shift()).toBe(null);
    });
  });
});
