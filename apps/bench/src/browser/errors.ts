import { UfbertError } from '@ufbert/tensor';

/** The browser suite cannot run at all here: no Chromium, no built page, no onnxruntime-web. */
export class BrowserUnavailableError extends UfbertError {}

/** A page action did not finish before its deadline (a stuck page, a model too large for the page's memory). */
export class PageDeadlineError extends UfbertError {}

/** The page threw, or answered something other than what the bench asked for. */
export class PageError extends UfbertError {}
