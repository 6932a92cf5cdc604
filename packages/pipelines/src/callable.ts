/**
 * A class whose instances are functions, so that a pipeline is called as transformers.js's
 * are (`await fill(text)`), and still has fields and methods (`fill.tokenizer`, `fill.dispose()`).
 */
export interface Callable<A extends unknown[], R> {
  // biome-ignore lint/style/useShorthandFunctionType: a type alias cannot merge with the class below
  (...args: A): R;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above gives the class its call signature, which a class cannot declare
export abstract class Callable<A extends unknown[], R> {
  constructor() {
    const closure = ((...args: A) => (closure as unknown as Callable<A, R>)._call(...args)) as unknown as Callable<A, R>;
    // The subclass constructors then initialise their fields on this function object.
    // biome-ignore lint/correctness/noConstructorReturn: returning the function object is how an instance becomes callable
    return Object.setPrototypeOf(closure, new.target.prototype) as Callable<A, R>;
  }

  abstract _call(...args: A): R;
}
