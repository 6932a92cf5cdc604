/**
 * onnxruntime-web's wasm profiler prints each event as a line of JSON on the console (Chrome
 * trace format: `{"cat" : "Node", "name" : "..._kernel_time", "dur" : µs, "args" : {"op_name" : ...}}`).
 * Sums the kernel time per operator type over the events of the last `model_run`, in µs.
 */
export function operatorTimes(lines: readonly string[]): Map<string, number> {
  interface Event {
    cat?: string;
    name?: string;
    ts?: number;
    dur?: number;
    args?: { op_name?: string };
  }
  const events: Event[] = [];
  for (const line of lines) {
    for (const part of line.split('\n')) {
      const text = part
        .trim()
        .replace(/^\[/, '')
        .replace(/[,\]]$/, '');
      if (!text.startsWith('{')) continue;
      try {
        events.push(JSON.parse(text) as Event);
      } catch {
        // another console line, not an event
      }
    }
  }
  const runs = events.filter((e) => e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number');
  const last = runs.sort((a, b) => a.ts! - b.ts!).at(-1);
  const times = new Map<string, number>();
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || typeof e.dur !== 'number') continue;
    if (last && (e.ts! < last.ts! || e.ts! > last.ts! + last.dur!)) continue;
    const op = e.args?.op_name ?? 'unknown';
    times.set(op, (times.get(op) ?? 0) + e.dur);
  }
  return times;
}
