/** Memory of a running process, from /proc (Linux): current and peak resident set size. */
import fs from 'node:fs';

export interface Rss {
  /** Resident set size now, in KiB. */
  rssKb: number;
  /** Peak resident set size over the process's life (VmHWM), in KiB. */
  peakKb: number;
}

/** undefined when the process is gone or /proc is not available. */
export function readRss(pid: number): Rss | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) : NaN;
  };
  return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
}

export function mb(kb: number): number {
  return kb / 1024;
}

/** CPU time (user + system) the process has used so far, in ms; undefined when it is gone. */
export function cpuMs(pid: number): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** Samples a process's resident memory every `intervalMs`; stop() gives the highest seen, in KiB. */
export function rssSampler(pid: number, intervalMs = 200): { stop(): number } {
  let max = readRss(pid)?.rssKb ?? 0;
  const timer = setInterval(() => {
    max = Math.max(max, readRss(pid)?.rssKb ?? 0);
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      max = Math.max(max, readRss(pid)?.rssKb ?? 0);
      return max;
    },
  };
}
