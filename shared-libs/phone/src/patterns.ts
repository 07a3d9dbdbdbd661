const cache = new Map<string, RegExp>();

/** Compiles (once) a libphonenumber pattern; `anchored` makes it match the whole input. */
export const regexFor = (pattern: string, anchored: boolean): RegExp => {
  const source = anchored ? `^(?:${pattern})$` : pattern;
  let regex = cache.get(source);
  if (!regex) {
    regex = new RegExp(source);
    cache.set(source, regex);
  }
  return regex;
};

export const matchesEntirely = (pattern: string, digits: string): boolean => regexFor(pattern, true).test(digits);
