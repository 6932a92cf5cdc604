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

/** A terminal progress bar (percentage, ETA, tokens/s, loss) on stderr, or nothing. */
export interface ProgressDisplay {
  update(update: ProgressUpdate): void;
  stop(): void;
}

const SILENT: ProgressDisplay = { update: () => {}, stop: () => {} };

/** The bar when `enabled` and stderr is a terminal; otherwise a display that does nothing. */
export function progressDisplay(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressDisplay {
  if (!enabled || !stream.isTTY) return SILENT;
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
