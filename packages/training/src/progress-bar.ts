import cliProgress from 'cli-progress';

export interface ProgressUpdate {
  /** Budget used, in [0, 1]. */
  progress: number;
  step: number;
  loss: number;
  tokensPerSecond: number;
}

/** Ticks on the bar: fine enough that the ETA moves smoothly on a long run. */
const TICKS = 10_000;

/** Seconds between two progress lines when stderr is not a terminal (a log file, CI). */
export const PROGRESS_LINE_INTERVAL_SECONDS = 5;

/** A terminal progress bar on stderr, progress lines in a log, or nothing. */
export interface ProgressDisplay {
  update(update: ProgressUpdate): void;
  stop(): void;
}

export interface ProgressDisplayOptions {
  /** Seconds between lines when the stream is not a terminal. */
  lineIntervalSeconds?: number;
  /** Milliseconds on a monotonic clock; tests pass their own. */
  now?: () => number;
}

const SILENT: ProgressDisplay = { update: () => {}, stop: () => {} };

/**
 * Nothing when not `enabled`; on a terminal, a bar (percentage, ETA, tokens/s, loss) redrawn
 * in place; elsewhere one line every few seconds with the same figures, since a redrawn bar
 * in a log file is either garbage or, as before, three silent minutes.
 */
export function progressDisplay(enabled: boolean, stream: NodeJS.WriteStream = process.stderr, options: ProgressDisplayOptions = {}): ProgressDisplay {
  if (!enabled) return SILENT;
  return stream.isTTY ? progressBar(stream) : progressLines(stream, options);
}

function progressBar(stream: NodeJS.WriteStream): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'pretraining [{bar}] {percentage}% | ETA {eta_formatted} | step {step} | {tokensPerSecond} tok/s | loss {loss}',
      etaBuffer: 50,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(TICKS, 0, { step: 0, tokensPerSecond: '-', loss: '-' });
  let running = true;
  return {
    update({ progress, step, loss, tokensPerSecond }) {
      bar.update(Math.round(progress * TICKS), { step, loss: loss.toFixed(4), tokensPerSecond: Math.round(tokensPerSecond).toLocaleString('en-US') });
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}

function progressLines(stream: NodeJS.WriteStream, options: ProgressDisplayOptions): ProgressDisplay {
  const now = options.now ?? (() => performance.now());
  const intervalMs = 1000 * (options.lineIntervalSeconds ?? PROGRESS_LINE_INTERVAL_SECONDS);
  let first: { at: number; progress: number } | undefined;
  let lastLineAt = -Infinity;
  return {
    update({ progress, step, loss, tokensPerSecond }) {
      const at = now();
      // The first update only sets the origin of the ETA: a resumed run starts part-way through its budget.
      if (!first) {
        first = { at, progress };
        lastLineAt = at;
        return;
      }
      if (at - lastLineAt < intervalMs) return;
      lastLineAt = at;
      const rate = (progress - first.progress) / (at - first.at);
      const eta = rate > 0 ? formatDuration((1 - progress) / rate / 1000) : '-';
      stream.write(
        `pretraining: step ${step} | loss ${loss.toFixed(4)} | ${Math.round(tokensPerSecond).toLocaleString('en-US')} tok/s | ${(100 * progress).toFixed(0)}% | ETA ${eta}\n`,
      );
    },
    stop() {},
  };
}

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
