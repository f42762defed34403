/**
 * A small level-gated logger. The library never writes to the console by itself: it logs through
 * this sink, which is silent until an application installs one with `setLogSink`.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogSink = (level: LogLevel, message: string) => void;

let sink: LogSink | null = null;
let threshold: LogLevel = 'warn';

/** Installs (or removes, with `null`) the function that receives log lines at `level` and above. */
export function setLogSink(next: LogSink | null, level: LogLevel = 'warn'): void {
  sink = next;
  threshold = level;
}

/** Sends a message to the installed sink when its level passes the threshold. */
export function log(level: LogLevel, message: string): void {
  if (sink !== null && order[level] >= order[threshold]) sink(level, message);
}
