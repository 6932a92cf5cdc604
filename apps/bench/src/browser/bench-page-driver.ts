import type { BrowserContext, Page } from 'playwright-core';
import { PageDeadlineError, PageError } from './errors.js';
import type { BrowserBenchPage } from './protocol.js';

type Method = Exclude<keyof BrowserBenchPage, 'ready'>;
type Arg<M extends Method> = Parameters<BrowserBenchPage[M]>;
type Answer<M extends Method> = Awaited<ReturnType<BrowserBenchPage[M]>>;

/**
 * One tab of the bench page, every action under a deadline: a page that does not answer in
 * time (stuck, or out of memory on a model too large for it) is closed and the action throws
 * PageDeadlineError, so the suite goes on to its next page instead of hanging.
 */
export class BenchPageDriver {
  private readonly errors: string[] = [];
  private console: string[] = [];

  private constructor(
    private readonly page: Page,
    private readonly deadlineMs: number,
  ) {
    page.on('pageerror', (error) => this.errors.push(error.message));
    page.on('crash', () => this.errors.push('the page crashed (out of memory?)'));
    page.on('console', (message) => this.console.push(message.text()));
  }

  /** Opens `url` in a new tab and waits for the page's script to be ready. */
  static async open(context: BrowserContext, url: string, deadlineMs: number): Promise<BenchPageDriver> {
    const driver = new BenchPageDriver(await context.newPage(), deadlineMs);
    await driver.deadline('loading the bench page', async () => {
      await driver.page.goto(url, { timeout: deadlineMs });
      await driver.page.waitForFunction(() => window.ufbertBrowserBench?.ready === true, null, { timeout: deadlineMs });
    });
    return driver;
  }

  /** Calls the page's `method` with `args`. */
  async call<M extends Method>(method: M, ...args: Arg<M>): Promise<Answer<M>> {
    return this.deadline(`${method}(${JSON.stringify(args).slice(1, -1)})`, () =>
      this.page.evaluate(({ method, args }) => (window.ufbertBrowserBench![method] as (...a: unknown[]) => Promise<unknown>)(...args), {
        method,
        args: args as unknown[],
      }),
    ) as Promise<Answer<M>>;
  }

  /**
   * `HeadlessChrome/150.0.7871.100`: the browser's own product string (through the DevTools
   * protocol), since the page's user agent is reduced to `150.0.0.0`.
   */
  async browserVersion(): Promise<string> {
    return this.deadline('Browser.getVersion', async () => {
      const cdp = await this.page.context().newCDPSession(this.page);
      try {
        return ((await cdp.send('Browser.getVersion')) as { product: string }).product;
      } finally {
        await cdp.detach();
      }
    });
  }

  /** The console lines the page printed since the last call (onnxruntime-web's profiler prints its events there). */
  takeConsole(): string[] {
    const lines = this.console;
    this.console = [];
    return lines;
  }

  async close(): Promise<void> {
    if (!this.page.isClosed()) await this.page.close();
  }

  private async deadline<T>(what: string, work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PageDeadlineError(`the bench page did not finish ${what} in ${this.deadlineMs / 1000} s; closed it`)),
        this.deadlineMs,
      );
    });
    try {
      return await Promise.race([work(), expired]);
    } catch (err) {
      if (err instanceof PageDeadlineError) {
        await this.close();
        throw err;
      }
      const seen = this.errors.length ? ` (page errors: ${this.errors.join('; ')})` : '';
      throw new PageError(`the bench page failed ${what}: ${(err as Error).message.split('\n')[0]}${seen}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
