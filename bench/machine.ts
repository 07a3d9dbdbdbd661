/** The machine a run happened on, for the table's heading and the JSON. */
import fs from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGb: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started (others' work makes figures noisy). */
  loadAtStart: number;
}

function cpuModel(): string {
  const model = os.cpus()[0]?.model?.trim();
  if (model) {
    return model;
  }
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    return match ? match[1].trim() : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    loadAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGb} GB RAM, Node.js ${m.node}, ${m.os}; load average at start ${m.loadAtStart}`;
}
