import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * The heap still reachable after a full collection. `heapUsed` alone counts garbage not yet collected,
 * which grows with the young generation's size (four times larger on Node 24 than on 20), so a bound
 * on it measures the collector's schedule, not what the code keeps.
 */
export function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
