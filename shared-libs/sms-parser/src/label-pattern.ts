/**
 * CHT builds regular expressions from labels without escaping them, so a label such as
 * `Misoprostol?` acts as a pattern. Kept for compatibility; a label that is not a valid pattern
 * (CHT would fail the request) is matched literally instead.
 */
export const labelPattern = (prefix: string, label: string, suffix: string): RegExp => {
  try {
    return new RegExp(`${prefix}${label}${suffix}`, 'i');
  } catch {
    return new RegExp(`${prefix}${label.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')}${suffix}`, 'i');
  }
};
